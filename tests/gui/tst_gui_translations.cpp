// SPDX-License-Identifier: GPL-3.0-or-later
// The compiled translations: English, German and French load from the resource, known strings
// translate (plurals too), a regional locale falls back to its language, and widgets pick them up.
#include "stanzaeditor.h"
#include "translations.h"

#include <QTest>
#include <QTranslator>

using namespace Switchboard;

class tst_GuiTranslations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void threeLanguagesLoad_data();
    void threeLanguagesLoad();
    void unknownLanguageStaysEnglish();
    void regionalLocaleFallsBackAndWidgetsTranslate();
};

void tst_GuiTranslations::threeLanguagesLoad_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("pause");
    QTest::addColumn<QString>("sessions");
    QTest::newRow("en") << QStringLiteral("en") << QString() << QStringLiteral("2 sessions");
    QTest::newRow("de") << QStringLiteral("de") << QStringLiteral("Aufzeichnung &anhalten")
                        << QStringLiteral("2 Sitzungen");
    QTest::newRow("fr") << QStringLiteral("fr") << QStringLiteral("&Suspendre la capture")
                        << QStringLiteral("2 sessions");
}

void tst_GuiTranslations::threeLanguagesLoad()
{
    QFETCH(QString, language);
    QFETCH(QString, pause);
    QFETCH(QString, sessions);
    QVERIFY(I18n::availableLanguages().contains(language));
    QTranslator translator;
    QVERIFY2(translator.load(QStringLiteral(":/i18n/switchboard_") + language + QStringLiteral(".qm")),
             qPrintable(language));
    QVERIFY(!translator.isEmpty());
    QCOMPARE(translator.language(), language);
    // English is the source language: only its plural forms are "translated".
    QCOMPARE(translator.translate("Switchboard::Gui::MainWindow", "&Pause Capture"), pause);
    QCOMPARE(translator.translate("Switchboard::Gui::MainWindow", "%n session(s)", nullptr, 2)
                 .replace(QLatin1String("%n"), QStringLiteral("2")),
             sessions);
}

void tst_GuiTranslations::unknownLanguageStaysEnglish()
{
    QCOMPARE(I18n::installTranslators(QStringLiteral("xx")), QLocale::c());
    QCOMPARE(QCoreApplication::translate("Switchboard::Gui::MainWindow", "&Pause Capture"),
             QStringLiteral("&Pause Capture"));
}

void tst_GuiTranslations::regionalLocaleFallsBackAndWidgetsTranslate()
{
    QCOMPARE(I18n::installTranslators(QStringLiteral("fr_CH")).language(), QLocale::French);
    QCOMPARE(QCoreApplication::translate("Switchboard::Gui::MainWindow", "&Pause Capture"),
             QStringLiteral("&Suspendre la capture"));
    QCOMPARE(I18n::installTranslators(QStringLiteral("de-AT")).language(), QLocale::German);
    Gui::StanzaEditor editor({});
    QCOMPARE(editor.windowTitle(), QStringLiteral("Stanza einschleusen"));
    QCOMPARE(QCoreApplication::translate("Switchboard::Gui::MainWindow", "%n session(s)", nullptr, 1),
             QStringLiteral("1 Sitzung"));
}

QTEST_MAIN(tst_GuiTranslations)
#include "tst_gui_translations.moc"
