// SPDX-License-Identifier: GPL-3.0-or-later
// The window's building blocks without a server: XML formatting and checking, the highlighter, the
// stanza editor's validation, the charts, the terminate dialog's conditions.
#include "breakpointsdialog.h"
#include "chartwidget.h"
#include "faultsdialog.h"
#include "monitor/hub.h"
#include "monitor/registry.h"
#include "overviewpage.h"
#include "stanzaeditor.h"
#include "stream/breakpoints.h"
#include "stream/faults.h"
#include "terminatedialog.h"
#include "xmlformat.h"
#include "xmlhighlighter.h"

#include <QComboBox>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>

#include <memory>

using namespace Switchboard;
using namespace Switchboard::Gui;

class tst_GuiWidgets : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void prettyXmlIndentsAndKeepsPrefixes();
    void prettyXmlReturnsBrokenInputUnchanged();
    void checkStanza_data();
    void checkStanza();
    void highlighterColoursTagsAttributesAndRedaction();
    void highlighterCarriesStateAcrossLines();
    void stanzaEditorSendsOnlyWellFormedXml();
    void stanzaEditorReportsRefusal();
    void chartKeepsCapacitySamples();
    void barChartSortsLargestFirst();
    void terminateDialogDefaultsToSystemShutdown();
    void faultsDialogOffersWhatTheAdminApiTakes();
    void faultsDialogAppliesAndUndoes();
    void faultsDialogShowsAnAnswerWhenItComesAndOutlivesNone();
    void breakpointsDialogShowsAnswersWhenTheyComeAndOutlivesNone();
    void breakpointsDialogSetsAFilterTheAdminApiTakes();
    void breakpointsDialogForwardsEditsAndDropsTheStoppedStanza();
    void errorConditionsExcludeNormalEnds();
    void overviewShowsRefusalsByLimit();
    void overviewShowsPushCounters();
};

void tst_GuiWidgets::prettyXmlIndentsAndKeepsPrefixes()
{
    bool ok = false;
    const QString pretty = prettyXml("<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                                     "<mechanism>PLAIN</mechanism></mechanisms></stream:features>",
                                     &ok);
    QVERIFY(ok);
    QCOMPARE(pretty, QStringLiteral("<stream:features>\n"
                                    "  <mechanisms xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">\n"
                                    "    <mechanism>PLAIN</mechanism>\n"
                                    "  </mechanisms>\n"
                                    "</stream:features>"));
    // Several top-level elements (a BOSH body's payload) format one after the other.
    QCOMPARE(prettyXml("<a/><b>x &amp; y</b>", &ok), QStringLiteral("<a/>\n<b>x &amp; y</b>"));
    QVERIFY(ok);
}

void tst_GuiWidgets::prettyXmlReturnsBrokenInputUnchanged()
{
    bool ok = true;
    QCOMPARE(prettyXml("<message><body>cut", &ok), QStringLiteral("<message><body>cut"));
    QVERIFY(!ok);
    QCOMPARE(prettyXml("", &ok), QString());
    QVERIFY(!ok);
}

void tst_GuiWidgets::checkStanza_data()
{
    QTest::addColumn<QString>("xml");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("line");
    QTest::newRow("message") << QStringLiteral("<message to='a@b'><body>hi</body></message>") << true << 0;
    QTest::newRow("whitespace around") << QStringLiteral("\n  <presence/>\n") << true << 0;
    QTest::newRow("empty") << QString() << false << 0;
    QTest::newRow("unclosed") << QStringLiteral("<message>\n<body>hi</body>") << false << 2;
    QTest::newRow("mismatched") << QStringLiteral("<a>\n</b>") << false << 2;
    QTest::newRow("two roots") << QStringLiteral("<a/><b/>") << false << 1;
    QTest::newRow("text after") << QStringLiteral("<a/>text") << false << 1;
    QTest::newRow("declaration") << QStringLiteral("<?xml version='1.0'?><a/>") << false << 1;
    QTest::newRow("undeclared prefix") << QStringLiteral("<x:a/>") << false << 1;
    QTest::newRow("doctype") << QStringLiteral("<!DOCTYPE a><a/>") << false << 1;
}

void tst_GuiWidgets::checkStanza()
{
    QFETCH(QString, xml);
    QFETCH(bool, valid);
    QFETCH(int, line);
    XmlProblem problem;
    QCOMPARE(Gui::checkStanza(xml, &problem), valid);
    if (!valid) {
        QVERIFY(!problem.message.isEmpty());
        if (line > 0)
            QCOMPARE(problem.line, line);
    }
}

namespace {
/// A session's answers, as the Server gives them to the dialogs.
SessionAnswer done(const QJsonObject &state = {})
{
    SessionAnswer answer;
    answer.outcome = SessionAnswer::Outcome::Done;
    answer.state = state;
    return answer;
}

SessionAnswer refused(const QString &error, SessionAnswer::Outcome outcome = SessionAnswer::Outcome::Refused)
{
    SessionAnswer answer;
    answer.outcome = outcome;
    answer.error = error;
    return answer;
}

SessionAnswer noAnswer(const QString &error)
{
    return refused(error, SessionAnswer::Outcome::NoAnswer);
}

/// The format applied at a position of a highlighted document.
QTextCharFormat formatAt(QTextDocument &document, int block, int position)
{
    const QTextBlock b = document.findBlockByNumber(block);
    const QList<QTextLayout::FormatRange> formats = b.layout()->formats();
    for (const QTextLayout::FormatRange &range : formats) {
        if (position >= range.start && position < range.start + range.length)
            return range.format;
    }
    return {};
}
} // namespace

void tst_GuiWidgets::highlighterColoursTagsAttributesAndRedaction()
{
    QTextDocument document;
    XmlHighlighter highlighter(&document);
    document.setPlainText(QStringLiteral("<auth mechanism='PLAIN'>[redacted]</auth>"));
    highlighter.rehighlight();                                  // a new highlighter's first pass is queued
    const QTextCharFormat tag = formatAt(document, 0, 1);       // "auth"
    const QTextCharFormat attribute = formatAt(document, 0, 6); // "mechanism"
    const QTextCharFormat value = formatAt(document, 0, 17);    // "'PLAIN'"
    const QTextCharFormat redacted = formatAt(document, 0, 26); // "[redacted]"
    const QTextCharFormat text = formatAt(document, 0, 24);     // '[' — part of the marker too
    QVERIFY(tag.foreground().color().isValid());
    QVERIFY(tag.foreground() != attribute.foreground());
    QVERIFY(attribute.foreground() != value.foreground());
    QVERIFY(redacted.background().style() != Qt::NoBrush);
    QVERIFY(text.background().style() != Qt::NoBrush);
}

void tst_GuiWidgets::highlighterCarriesStateAcrossLines()
{
    QTextDocument document;
    XmlHighlighter highlighter(&document);
    document.setPlainText(QStringLiteral("<a\n  b='1'>\n<!-- one\ntwo -->\n<c/>"));
    highlighter.rehighlight();
    const QTextCharFormat attribute = formatAt(document, 1, 2); // "b" on the line after "<a"
    const QTextCharFormat comment = formatAt(document, 3, 0);   // "two" inside the comment
    const QTextCharFormat tag = formatAt(document, 4, 1);       // "c" after the comment
    QVERIFY(attribute.foreground().color().isValid());
    QVERIFY(comment.fontItalic());
    QVERIFY(!tag.fontItalic());
    QVERIFY(tag.foreground() != comment.foreground());
}

void tst_GuiWidgets::stanzaEditorSendsOnlyWellFormedXml()
{
    QList<std::tuple<QString, Monitor::Direction, QByteArray>> sent;
    StanzaEditor::Answer pending;
    StanzaEditor editor([&sent, &pending](const QString &sid, Monitor::Direction direction,
                                          const QByteArray &xml, const StanzaEditor::Answer &answer) {
        sent.append({sid, direction, xml});
        pending = answer;
    });
    QSignalSpy injected(&editor, &StanzaEditor::injected);
    auto *send = editor.findChild<QPushButton *>(QStringLiteral("injectSend"));
    QVERIFY(send);
    editor.setSessions({{QStringLiteral("s1"), QStringLiteral("BOSH, alice")},
                        {QStringLiteral("s2"), QStringLiteral("WebSocket, bob")}});
    editor.setCurrentSession(QStringLiteral("s2"));
    editor.setXml(QStringLiteral("<message><body>hi</message>"));
    QVERIFY(!editor.isValid());
    QVERIFY(!send->isEnabled());
    QVERIFY(editor.statusText().contains(QLatin1String("Line 1")));
    QVERIFY(!editor.send());
    QVERIFY(sent.isEmpty());

    editor.setXml(QStringLiteral("  <message><body>hi</body></message>\n"));
    QVERIFY(editor.isValid());
    QVERIFY(send->isEnabled());
    editor.setDirection(Monitor::Direction::ToServer);
    send->click();
    QCOMPARE(sent.size(), 1);
    QCOMPARE(std::get<0>(sent.first()), QStringLiteral("s2"));
    QCOMPARE(std::get<1>(sent.first()), Monitor::Direction::ToServer);
    QCOMPARE(std::get<2>(sent.first()), QByteArray("<message><body>hi</body></message>"));
    // Until the session's worker answers, Send waits (one stanza at a time) and nothing is claimed.
    QVERIFY(editor.isSending());
    QVERIFY(!send->isEnabled());
    QVERIFY(!editor.send());
    QCOMPARE(sent.size(), 1);
    QCOMPARE(injected.size(), 0);
    pending(QString());
    QCOMPARE(injected.size(), 1);
    QVERIFY(!editor.isSending());
    QVERIFY(send->isEnabled());
    QVERIFY(editor.statusText().contains(QLatin1String("Sent to the server")));

    // Keeps the chosen session when the list is refreshed, loses it when the session goes.
    editor.setSessions({{QStringLiteral("s2"), {}}, {QStringLiteral("s3"), {}}});
    QCOMPARE(editor.currentSession(), QStringLiteral("s2"));
    editor.setSessions({});
    QVERIFY(!send->isEnabled());
}

void tst_GuiWidgets::stanzaEditorReportsRefusal()
{
    StanzaEditor editor(
        [](const QString &, Monitor::Direction, const QByteArray &, const StanzaEditor::Answer &answer) {
            answer(QStringLiteral("the session has no open stream"));
        });
    QSignalSpy refused(&editor, &StanzaEditor::refused);
    QSignalSpy injected(&editor, &StanzaEditor::injected);
    editor.setSessions({{QStringLiteral("s1"), {}}});
    editor.setXml(QStringLiteral("<presence/>"));
    QVERIFY(editor.send());
    QCOMPARE(refused.size(), 1);
    QCOMPARE(refused.first().at(1).toString(), QStringLiteral("the session has no open stream"));
    QCOMPARE(injected.size(), 0);
    QVERIFY(editor.statusText().contains(QLatin1String("no open stream")));
    QVERIFY(!editor.isSending());
}

void tst_GuiWidgets::chartKeepsCapacitySamples()
{
    ChartWidget chart(QStringLiteral("Stanzas/s"));
    const int in = chart.addSeries(QStringLiteral("in"), Qt::blue);
    chart.setCapacity(10);
    for (int i = 0; i < 25; ++i)
        chart.addSample(in, i);
    QCOMPARE(chart.lastValue(in), 24.0);
    chart.resize(300, 150);
    QImage image(chart.size(), QImage::Format_ARGB32);
    chart.render(&image); // paints without a crash at any size
    chart.resize(20, 20);
    chart.render(&image);
    chart.clear();
    QCOMPARE(chart.lastValue(in), 0.0);
}

void tst_GuiWidgets::barChartSortsLargestFirst()
{
    BarChartWidget bars(QStringLiteral("Errors"));
    bars.setValues({{QStringLiteral("host-unknown"), 2}, {QStringLiteral("policy-violation"), 7}});
    QCOMPARE(bars.values().first().first, QStringLiteral("policy-violation"));
    bars.resize(300, 150);
    QImage image(bars.size(), QImage::Format_ARGB32);
    bars.render(&image);
}

void tst_GuiWidgets::faultsDialogOffersWhatTheAdminApiTakes()
{
    FaultsDialog dialog(QStringLiteral("s1"), {}, {});
    auto *kinds = dialog.findChild<QComboBox *>(QStringLiteral("faultKind"));
    QVERIFY(kinds);
    QCOMPARE(kinds->count(), 7);
    // Every fault, with the dialog's defaults, is one the admin API accepts, under the same name.
    for (int i = 0; i < kinds->count(); ++i) {
        kinds->setCurrentIndex(i);
        const QJsonObject fault = dialog.fault();
        QCOMPARE(fault.value(QStringLiteral("fault")).toString(), kinds->itemData(i).toString());
        QString error;
        QVERIFY2(Stream::FaultRequest::fromJson(fault, &error).has_value(), qPrintable(error));
    }
    dialog.setFault(QStringLiteral("drop"));
    dialog.findChild<QSpinBox *>(QStringLiteral("faultDropCount"))->setValue(3);
    QCOMPARE(dialog.fault(),
             (QJsonObject{{QStringLiteral("fault"), QStringLiteral("drop")}, {QStringLiteral("count"), 3}}));
}

void tst_GuiWidgets::faultsDialogAppliesAndUndoes()
{
    QList<QJsonObject> applied;
    int undone = 0;
    FaultsDialog dialog(
        QStringLiteral("s1"),
        [&applied](const QString &sid, const QJsonObject &fault, const FaultsDialog::Answered &answered) {
            if (sid != QLatin1String("s1"))
                return answered(refused(QStringLiteral("no session"), SessionAnswer::Outcome::NoSession));
            applied.append(fault);
            if (fault.value(QStringLiteral("fault")) == QLatin1String("drop"))
                return answered(refused(QStringLiteral("only BOSH sessions have responses to drop")));
            answered(done());
        },
        [&undone](const QString &, const FaultsDialog::Answered &answered) {
            answered(++undone > 0 ? done() : refused({}));
        });
    QSignalSpy answers(&dialog, &FaultsDialog::answered);
    dialog.setFault(QStringLiteral("hold"));
    QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("faultApply")), Qt::LeftButton);
    QCOMPARE(applied.size(), 1);
    QCOMPARE(applied.first().value(QStringLiteral("fault")).toString(), QStringLiteral("hold"));
    QCOMPARE(answers.size(), 1);
    QCOMPARE(answers.last().first().toBool(), true);
    QVERIFY(dialog.lastResult().startsWith(QStringLiteral("Applied")));
    dialog.setFault(QStringLiteral("drop"));
    QVERIFY(dialog.applyFault());
    QCOMPARE(answers.last().first().toBool(), false);
    QVERIFY(dialog.lastResult().contains(QStringLiteral("only BOSH"))); // the refusal is shown
    QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("faultUndo")), Qt::LeftButton);
    QCOMPARE(undone, 1);
    QCOMPARE(dialog.waiting(), 0);
}

void tst_GuiWidgets::faultsDialogShowsAnAnswerWhenItComesAndOutlivesNone()
{
    // The session answers later (its worker may be busy): the dialog says it waits, then shows it.
    QList<FaultsDialog::Answered> pending;
    auto dialog = std::make_unique<FaultsDialog>(
        QStringLiteral("s1"),
        [&pending](const QString &, const QJsonObject &, const FaultsDialog::Answered &answered) {
            pending.append(answered);
        },
        [&pending](const QString &, const FaultsDialog::Answered &answered) { pending.append(answered); });
    QSignalSpy answers(dialog.get(), &FaultsDialog::answered);
    dialog->setFault(QStringLiteral("hold"));
    QVERIFY(dialog->applyFault());
    QCOMPARE(pending.size(), 1);
    QCOMPARE(dialog->waiting(), 1);
    QCOMPARE(answers.size(), 0);
    QVERIFY(dialog->lastResult().startsWith(QStringLiteral("Applying")));
    pending.takeFirst()(done());
    QCOMPARE(answers.size(), 1);
    QCOMPARE(dialog->waiting(), 0);
    QVERIFY(dialog->lastResult().startsWith(QStringLiteral("Applied")));

    // Undo that the worker did not answer in time (the Server answers for it): the dialog says why.
    const QString late = QStringLiteral("the session's worker did not answer within 5 s (busy)");
    QVERIFY(dialog->undo());
    pending.takeFirst()(noAnswer(late));
    QCOMPARE(dialog->waiting(), 0);
    QVERIFY2(dialog->lastResult().contains(late), qPrintable(dialog->lastResult()));
    QVERIFY2(dialog->lastResult().startsWith(QStringLiteral("No answer yet")),
             qPrintable(dialog->lastResult()));

    // Closed (deleted) before the answer: the answer goes nowhere.
    QVERIFY(dialog->undo());
    QCOMPARE(pending.size(), 1);
    dialog.reset();
    pending.takeFirst()(done());
}

void tst_GuiWidgets::breakpointsDialogSetsAFilterTheAdminApiTakes()
{
    using Answered = BreakpointsDialog::Operations::Answered;
    QList<QJsonObject> set;
    int cleared = 0;
    BreakpointsDialog::Operations ops;
    ops.set = [&set](const QString &, const QJsonObject &filter, const Answered &answered) {
        set.append(filter);
        answered(done());
    };
    ops.clear = [&cleared](const QString &, const Answered &answered) {
        answered(++cleared > 0 ? done() : refused({}));
    };
    ops.state = [](const QString &, const BreakpointsDialog::Operations::StateAnswered &answered) {
        answered(done());
    };
    ops.act = [](const QString &, int, const QString &, const QByteArray &, const Answered &answered) {
        answered(refused(QStringLiteral("nothing held")));
    };
    BreakpointsDialog dialog(QStringLiteral("s1"), ops);
    // The defaults are a filter the admin API accepts: everything, both ways.
    QString error;
    QVERIFY2(Stream::BreakpointFilter::fromJson(dialog.filter(), &error).has_value(), qPrintable(error));
    dialog.setFilter(QStringLiteral("to-server"), QStringLiteral("message"), QStringLiteral("chat"),
                     QStringLiteral("hello"));
    const std::optional<Stream::BreakpointFilter> filter =
        Stream::BreakpointFilter::fromJson(dialog.filter(), &error);
    QVERIFY2(filter.has_value(), qPrintable(error));
    QCOMPARE(filter->way, Stream::BreakpointFilter::Way::ToServer);
    QCOMPARE(filter->element, QStringLiteral("message"));
    QCOMPARE(filter->type, QStringLiteral("chat"));
    QCOMPARE(filter->text, QStringLiteral("hello"));
    QSignalSpy answers(&dialog, &BreakpointsDialog::answered);
    QVERIFY(dialog.setBreakpoint());
    QCOMPARE(set.size(), 1);
    QCOMPARE(set.first(), dialog.filter());
    QCOMPARE(answers.size(), 1);
    QCOMPARE(dialog.lastResult(), QStringLiteral("Breakpoint set."));
    QVERIFY(dialog.removeBreakpoint());
    QCOMPARE(cleared, 1);
    QCOMPARE(answers.size(), 2);
}

void tst_GuiWidgets::breakpointsDialogForwardsEditsAndDropsTheStoppedStanza()
{
    const QString original =
        QStringLiteral("<message xmlns='jabber:client' to='bob@x'><body>hi</body></message>");
    QJsonArray held{
        QJsonObject{{QStringLiteral("id"), 4},
                    {QStringLiteral("direction"), QStringLiteral("to-server")},
                    {QStringLiteral("xml"), original},
                    {QStringLiteral("stopped"), true},
                    {QStringLiteral("msLeft"), 30000}},
        QJsonObject{{QStringLiteral("id"), 5},
                    {QStringLiteral("direction"), QStringLiteral("to-server")},
                    {QStringLiteral("xml"), QStringLiteral("<presence xmlns='jabber:client'/>")},
                    {QStringLiteral("stopped"), false}},
    };
    struct Act
    {
        int id;
        QString action;
        QByteArray xml;
    };
    QList<Act> acts;
    using Answered = BreakpointsDialog::Operations::Answered;
    BreakpointsDialog::Operations ops;
    ops.set = [](const QString &, const QJsonObject &, const Answered &answered) { answered(done()); };
    ops.clear = [](const QString &, const Answered &answered) { answered(done()); };
    ops.state = [&held](const QString &sid, const BreakpointsDialog::Operations::StateAnswered &answered) {
        answered(sid == QLatin1String("s1")
                     ? done(QJsonObject{{QStringLiteral("held"), held}})
                     : refused(QStringLiteral("no session %1").arg(sid), SessionAnswer::Outcome::NoSession));
    };
    ops.act = [&acts](const QString &, int id, const QString &action, const QByteArray &xml,
                      const Answered &answered) {
        acts.append({id, action, xml});
        if (id != 4)
            return answered(refused(QStringLiteral("only waits behind a held one")));
        answered(done());
    };
    BreakpointsDialog dialog(QStringLiteral("s1"), ops);
    auto *list = dialog.findChild<QListWidget *>(QStringLiteral("heldList"));
    QVERIFY(list);
    QCOMPARE(list->count(), 2);
    QVERIFY(list->item(0)->text().contains(QStringLiteral("#4")));
    QVERIFY(list->item(1)->text().contains(QStringLiteral("waits behind")));
    QCOMPARE(dialog.selectedId(), 4);
    QVERIFY(dialog.editedXml().contains(QStringLiteral("<body>hi</body>")));
    QVERIFY(!dialog.canEdit()); // unchanged

    // Edit: only one well-formed stanza, and only once changed.
    dialog.setEditedXml(QStringLiteral("<message><body>open"));
    QVERIFY(!dialog.canEdit());
    QVERIFY(!dialog.editAndForward());
    QVERIFY(acts.isEmpty());
    const QString edited =
        QStringLiteral("<message xmlns='jabber:client' to='bob@x'><body>bye</body></message>");
    dialog.setEditedXml(edited);
    QVERIFY(dialog.canEdit());
    QVERIFY(dialog.editAndForward());
    QCOMPARE(acts.size(), 1);
    QCOMPARE(acts.last().id, 4);
    QCOMPARE(acts.last().action, QStringLiteral("edit"));
    QCOMPARE(acts.last().xml, edited.toUtf8());

    // The list follows the session: the stanza went on, the waiting one is left.
    held.removeFirst();
    dialog.refresh();
    QCOMPARE(list->count(), 1);
    QCOMPARE(dialog.selectedId(), 5);
    QVERIFY(!dialog.findChild<QPushButton *>(QStringLiteral("heldForward"))->isEnabled());
    QVERIFY(dialog.forward()); // handed over, refused by the session, and said why
    QVERIFY(dialog.lastResult().contains(QStringLiteral("waits behind")));

    held.prepend(QJsonObject{{QStringLiteral("id"), 4},
                             {QStringLiteral("direction"), QStringLiteral("to-client")},
                             {QStringLiteral("xml"), original},
                             {QStringLiteral("stopped"), true}});
    dialog.refresh();
    dialog.selectHeld(4);
    QVERIFY(dialog.findChild<QPushButton *>(QStringLiteral("heldForward"))->isEnabled());
    QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("heldDrop")), Qt::LeftButton);
    QCOMPARE(acts.last().action, QStringLiteral("drop"));
    QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("heldForward")), Qt::LeftButton);
    QCOMPARE(acts.last().action, QStringLiteral("forward"));
    QCOMPARE(acts.last().id, 4);
}

void tst_GuiWidgets::breakpointsDialogShowsAnswersWhenTheyComeAndOutlivesNone()
{
    // The session answers later (its worker may be busy): reads and actions are shown when they come.
    using Ops = BreakpointsDialog::Operations;
    QList<Ops::StateAnswered> reads;
    QList<Ops::Answered> actions;
    Ops ops;
    ops.set = [&actions](const QString &, const QJsonObject &, const Ops::Answered &answered) {
        actions.append(answered);
    };
    ops.clear = [&actions](const QString &, const Ops::Answered &answered) { actions.append(answered); };
    ops.state = [&reads](const QString &, const Ops::StateAnswered &answered) { reads.append(answered); };
    ops.act = [&actions](const QString &, int, const QString &, const QByteArray &,
                         const Ops::Answered &answered) { actions.append(answered); };
    auto dialog = std::make_unique<BreakpointsDialog>(QStringLiteral("s1"), ops);
    QSignalSpy answers(dialog.get(), &BreakpointsDialog::answered);
    QSignalSpy refreshed(dialog.get(), &BreakpointsDialog::refreshed);
    QCOMPARE(reads.size(), 1); // the first read, asked when it opened
    // While a read is under way, more asks make one more read after it, not one each.
    dialog->refresh();
    dialog->refresh();
    QCOMPARE(reads.size(), 1);
    const QJsonObject stopped{{QStringLiteral("id"), 7},
                              {QStringLiteral("direction"), QStringLiteral("to-client")},
                              {QStringLiteral("xml"), QStringLiteral("<message xmlns='jabber:client'/>")},
                              {QStringLiteral("stopped"), true}};
    reads.takeFirst()(done(QJsonObject{{QStringLiteral("held"), QJsonArray{stopped}}}));
    QCOMPARE(refreshed.size(), 1);
    QCOMPARE(dialog->selectedId(), 7);
    QCOMPARE(reads.size(), 1);
    reads.takeFirst()(done(QJsonObject{{QStringLiteral("held"), QJsonArray{stopped}}}));
    QCOMPARE(reads.size(), 0);

    // Forward: handed over, shown as asked, then as answered, and the held stanzas read again.
    QVERIFY(dialog->forward());
    QCOMPARE(dialog->waiting(), 1);
    QVERIFY(dialog->lastResult().contains(QStringLiteral("asking")));
    actions.takeFirst()(done());
    QCOMPARE(answers.size(), 1);
    QCOMPARE(dialog->waiting(), 0);
    QCOMPARE(dialog->lastResult(), QStringLiteral("#7 forwarded."));
    QCOMPARE(reads.size(), 1);

    // A worker that did not answer in time (the Server answers for it): the dialog says why, for a
    // read and for an action alike, instead of calling the session gone.
    const QString late = QStringLiteral("the session's worker did not answer within 5 s (busy)");
    reads.takeFirst()(noAnswer(late));
    QVERIFY2(dialog->stateText().contains(late), qPrintable(dialog->stateText()));
    QCOMPARE(dialog->selectedId(), 7); // what was read last still stands
    QVERIFY(dialog->removeBreakpoint());
    actions.takeFirst()(noAnswer(late));
    QVERIFY2(dialog->lastResult().contains(late), qPrintable(dialog->lastResult()));
    QCOMPARE(reads.size(), 1); // read again after the answer (left under way for the close below)

    // Closed (deleted) with a read and an action under way: their answers go nowhere.
    QVERIFY(dialog->setBreakpoint());
    dialog.reset();
    actions.takeFirst()(refused(QStringLiteral("gone")));
    reads.takeFirst()(refused(QStringLiteral("no session s1"), SessionAnswer::Outcome::NoSession));
}

void tst_GuiWidgets::terminateDialogDefaultsToSystemShutdown()
{
    TerminateDialog dialog({QStringLiteral("s1")});
    QCOMPARE(dialog.condition(), QStringLiteral("system-shutdown"));
    dialog.setCondition(QStringLiteral("policy-violation"));
    QCOMPARE(dialog.condition(), QStringLiteral("policy-violation"));
    QVERIFY(TerminateDialog::conditions().contains(QStringLiteral("host-gone")));
    QVERIFY(!TerminateDialog::conditions().contains(QStringLiteral("see-other-uri"))); // needs a URI
}

void tst_GuiWidgets::errorConditionsExcludeNormalEnds()
{
    QVERIFY(OverviewPage::isErrorCondition(QStringLiteral("remote-connection-failed")));
    QVERIFY(OverviewPage::isErrorCondition(QStringLiteral("policy-violation")));
    QVERIFY(!OverviewPage::isErrorCondition(QStringLiteral("normal")));
    QVERIFY(!OverviewPage::isErrorCondition(QStringLiteral("client terminated")));
}

void tst_GuiWidgets::overviewShowsRefusalsByLimit()
{
    Monitor::Hub hub;
    Monitor::Registry registry(&hub);
    registry.setKnownLimits({QStringLiteral("max_sessions_per_ip"), QStringLiteral("max_header_size")});
    OverviewPage page(&registry);
    QVERIFY(page.refusalsChart()->values().isEmpty()); // limits that refused nothing are left out
    Q_EMIT hub.limitRefused(QStringLiteral("max_sessions_per_ip"), QHostAddress::LocalHost);
    Q_EMIT hub.limitRefused(QStringLiteral("max_sessions_per_ip"), QHostAddress::LocalHost);
    // The page samples the registry once a second.
    QTRY_COMPARE(page.refusalsChart()->values(),
                 (QList<QPair<QString, qint64>>{{QStringLiteral("max_sessions_per_ip"), 2}}));
}

void tst_GuiWidgets::overviewShowsPushCounters()
{
    Monitor::Hub hub;
    Monitor::Registry registry(&hub);
    OverviewPage page(&registry);
    auto *sent = page.findChild<QLabel *>(QStringLiteral("pushLabel"));
    auto *dropped = page.findChild<QLabel *>(QStringLiteral("pushDroppedLabel"));
    QVERIFY(sent && dropped);
    QCOMPARE(sent->text(), QStringLiteral("0 / 0 / 0"));
    Monitor::PushTotals totals;
    totals.delivered = 12;
    totals.failures = 3;
    totals.retries = 2;
    totals.gone = 1;
    totals.disabled = 4;
    totals.refusedTargets = 5;
    totals.refusedAddresses = 1;
    hub.reportPush(totals);
    // The page samples the registry once a second.
    QTRY_COMPARE(sent->text(), QStringLiteral("12 / 3 / 2"));
    QCOMPARE(dropped->text(), QStringLiteral("1 / 4 / 6"));
}

QTEST_MAIN(tst_GuiWidgets)
#include "tst_gui_widgets.moc"
