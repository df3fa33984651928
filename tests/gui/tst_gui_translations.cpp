// SPDX-License-Identifier: GPL-3.0-or-later
// The compiled translations: English, German and French load from the resource, known strings
// translate (plurals too), a regional locale falls back to its language, and widgets pick them up.
// The German and French sources leave nothing unfinished, and messages of classes without Q_OBJECT
// carry the context lupdate files them under.
#include "push/pushtarget.h"
#include "rest/reststore.h"
#include "stanzaeditor.h"
#include "translations.h"

#include <QFile>
#include <QJsonObject>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTemporaryFile>
#include <QTest>
#include <QTranslator>
#include <QXmlStreamReader>

using namespace Switchboard;

class tst_GuiTranslations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void threeLanguagesLoad_data();
    void threeLanguagesLoad();
    void unknownLanguageStaysEnglish();
    void regionalLocaleFallsBackAndWidgetsTranslate();
    void everyMessageIsTranslated_data();
    void everyMessageIsTranslated();
    void messagesOfPlainClassesTranslate();
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

void tst_GuiTranslations::everyMessageIsTranslated_data()
{
    QTest::addColumn<QString>("language");
    QTest::newRow("de") << QStringLiteral("de");
    QTest::newRow("fr") << QStringLiteral("fr");
}

// Every message of translations/switchboard_<lang>.ts has a finished, non-empty translation that keeps
// the placeholders (%1, %n) and, where the source has one, an accelerator (&x).
void tst_GuiTranslations::everyMessageIsTranslated()
{
    QFETCH(QString, language);
    QFile file(QStringLiteral(SWITCHBOARD_SOURCE_DIR "/translations/switchboard_") + language +
               QStringLiteral(".ts"));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    static const QRegularExpression placeholder(QStringLiteral("%(\\d+|n)"));
    static const QRegularExpression accelerator(QStringLiteral("&\\w"),
                                                QRegularExpression::UseUnicodePropertiesOption); // &É too
    const auto placeholders = [](const QString &text) {
        QStringList found;
        for (const QRegularExpressionMatch &match : placeholder.globalMatch(text))
            found.append(match.captured());
        found.sort();
        found.removeDuplicates();
        return found;
    };
    const auto accelerators = [](QString text) {
        return text.remove(QStringLiteral("&&")).count(accelerator);
    };
    QString context, source;
    QStringList problems;
    int messages = 0;
    QXmlStreamReader xml(&file);
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (xml.name() == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (xml.name() == QLatin1String("source")) {
            source = xml.readElementText();
        } else if (xml.name() == QLatin1String("translation")) {
            ++messages;
            const QString where = context + QStringLiteral(": \"") + source + QStringLiteral("\" ");
            const QString type = xml.attributes().value(QLatin1String("type")).toString();
            if (!type.isEmpty())
                problems.append(where + type);
            // The text, or each plural form (<numerusform>) on its own.
            QStringList forms;
            QString text;
            while (!xml.atEnd() && !(xml.readNext() == QXmlStreamReader::EndElement &&
                                     xml.name() == QLatin1String("translation"))) {
                if (xml.isStartElement())
                    text.clear();
                else if (xml.isCharacters())
                    text += xml.text();
                else if (xml.isEndElement())
                    forms.append(text);
            }
            if (forms.isEmpty())
                forms.append(text);
            for (const QString &form : std::as_const(forms)) {
                if (form.trimmed().isEmpty() && !source.trimmed().isEmpty())
                    problems.append(where + QStringLiteral("is empty"));
                else if (placeholders(form) != placeholders(source))
                    problems.append(where + QStringLiteral("has other placeholders: ") + form);
                else if ((accelerators(source) > 0) != (accelerators(form) > 0))
                    problems.append(where + QStringLiteral("has no or an extra accelerator: ") + form);
            }
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(messages > 400);
    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

// PushTarget and RestStore are no QObjects: their tr() comes from Q_DECLARE_TR_FUNCTIONS, in the context
// lupdate files their messages under (their own tr() with another context left them untranslated).
void tst_GuiTranslations::messagesOfPlainClassesTranslate()
{
    QCOMPARE(I18n::installTranslators(QStringLiteral("de")).language(), QLocale::German);
    const auto restoreEnglish = qScopeGuard([] { I18n::installTranslators(QStringLiteral("en")); });
    QString error;
    const QJsonObject webhook{{QStringLiteral("type"), QStringLiteral("webhook")},
                              {QStringLiteral("url"), QStringLiteral("https://push.example/hook")}};
    QVERIFY(!Push::PushTarget::fromJson(webhook, Push::TargetPolicy(), &error));
    QCOMPARE(error, QStringLiteral("push.secret: eine nicht leere Zeichenkette ist nötig"));

    Rest::RestStore store;
    QVERIFY(!store.load(&error));
    QCOMPARE(error, QStringLiteral("der Sitzungsspeicher ist nicht geöffnet"));
    // A file where the store's folder should be: the folder cannot be made (a free function's message).
    QTemporaryFile notAFolder;
    QVERIFY(notAFolder.open());
    QVERIFY(!store.open(notAFolder.fileName() + QStringLiteral("/rest.sqlite"), &error));
    QCOMPARE(error,
             QStringLiteral("der Ordner des Sitzungsspeichers „%1/rest.sqlite“ kann nicht angelegt werden")
                 .arg(notAFolder.fileName()));
}

QTEST_MAIN(tst_GuiTranslations)
#include "tst_gui_translations.moc"
