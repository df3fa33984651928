// SPDX-License-Identifier: GPL-3.0-or-later
// The Problems view's model over the client lint's ProblemLog: QAbstractItemModelTester while problems
// arrive, the log drops its oldest and is cleared; what the rows and roles say.
#include "monitor/hub.h"
#include "monitor/problemlog.h"
#include "monitor/registry.h"
#include "monitor/trafficrecorder.h"
#include "problemmodel.h"
#include "problemspage.h"
#include "trafficmodel.h"
#include "trafficpage.h"

#include <QAbstractItemModelTester>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

using namespace Switchboard;
using namespace Switchboard::Gui;

namespace {
Monitor::Problem problem(const QString &session, Monitor::ProblemKind kind, quint64 trafficId = 0)
{
    Monitor::Problem p;
    p.session = session;
    p.kind = kind;
    p.clause = Monitor::problemClause(kind, Monitor::Transport::Bosh);
    p.detail = QStringLiteral("seen");
    p.trafficId = trafficId;
    return p;
}
} // namespace

class tst_GuiProblemModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rowsFollowTheLog();
    void oldestRowGoesWhenTheLogIsFull();
    void activatingAProblemShowsItsStanzaInTheTrafficView();
};

void tst_GuiProblemModel::rowsFollowTheLog()
{
    Monitor::Hub hub;
    Monitor::ProblemLog log(&hub, nullptr);
    log.setEnabled(true);
    log.add(problem(QStringLiteral("s1"), Monitor::ProblemKind::RidSkipped));
    ProblemModel model(&log);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 1); // what the log held before the model
    QCOMPARE(model.columnCount(), int(ProblemModel::ColumnCount));

    // A problem reported through the hub, as a session's lint does.
    Q_EMIT hub.problemFound(problem(QStringLiteral("s2"), Monitor::ProblemKind::IqWithoutId, 42));
    QCOMPARE(model.rowCount(), 2);
    const QModelIndex row = model.index(1, ProblemModel::Problem);
    QCOMPARE(row.data().toString(), QStringLiteral("An IQ without 'id'"));
    QCOMPARE(row.data(ProblemModel::CodeRole).toString(), QStringLiteral("iq-without-id"));
    QCOMPARE(row.data(ProblemModel::TrafficIdRole).toULongLong(), 42u);
    QCOMPARE(row.data(ProblemModel::SessionRole).toString(), QStringLiteral("s2"));
    QCOMPARE(model.index(1, ProblemModel::Clause).data().toString(), QStringLiteral("RFC 6120 §8.2.3"));
    QCOMPARE(model.index(1, ProblemModel::Side).data().toString(), QStringLiteral("client"));
    QCOMPARE(model.index(1, ProblemModel::Stanza).data().toULongLong(), 42u);
    QVERIFY(!model.index(0, ProblemModel::Stanza).data().isValid()); // no stanza to jump to
    QCOMPARE(model.headerData(ProblemModel::Clause, Qt::Horizontal).toString(), QStringLiteral("Clause"));

    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    log.clear();
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.rowCount(), 0);
}

void tst_GuiProblemModel::oldestRowGoesWhenTheLogIsFull()
{
    Monitor::Hub hub;
    Monitor::ProblemLog log(&hub, nullptr);
    ProblemModel model(&log);
    for (int i = 0; i < Monitor::ProblemLog::kCapacity; ++i)
        log.add(problem(QStringLiteral("s%1").arg(i), Monitor::ProblemKind::HoldIgnored));
    QCOMPARE(model.rowCount(), Monitor::ProblemLog::kCapacity);
    // Watched from here: the tester walks the whole model at each change.
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    log.add(problem(QStringLiteral("last"), Monitor::ProblemKind::HoldIgnored));
    QCOMPARE(removed.size(), 1);
    QCOMPARE(model.rowCount(), Monitor::ProblemLog::kCapacity);
    QCOMPARE(model.index(0, ProblemModel::Session).data().toString(), QStringLiteral("s1"));
    QCOMPARE(model.index(model.rowCount() - 1, ProblemModel::Session).data().toString(),
             QStringLiteral("last"));
    QCOMPARE(model.problem(model.rowCount() - 1).id, log.lastId());
}

void tst_GuiProblemModel::activatingAProblemShowsItsStanzaInTheTrafficView()
{
    Monitor::Hub hub;
    Monitor::Registry registry(&hub);
    Monitor::TrafficRecorder recorder(&hub);
    for (int i = 0; i < 5; ++i)
        recorder.append(QStringLiteral("s%1").arg(i % 2), QStringLiteral("x"), Monitor::Direction::ToServer,
                        "<message xmlns='jabber:client' id='m" + QByteArray::number(i) + "'/>");
    const quint64 wanted = recorder.firstId() + 2; // session s0
    TrafficPage traffic(&recorder, &registry);
    traffic.textFilterEdit()->setText(QStringLiteral("m4")); // a filter that hides it

    Monitor::ProblemLog log(&hub, &recorder);
    log.add(problem(QStringLiteral("s0"), Monitor::ProblemKind::WrongNamespace, wanted));
    ProblemsPage page(&log);
    QSignalSpy requested(&page, &ProblemsPage::stanzaRequested);
    QObject::connect(&page, &ProblemsPage::stanzaRequested, &traffic,
                     [&traffic](quint64 id) { traffic.showRecord(id); });
    Q_EMIT page.view()->activated(page.view()->model()->index(0, 0));
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested.at(0).at(0).toULongLong(), wanted);

    const QModelIndex current = traffic.view()->currentIndex();
    QVERIFY(current.isValid());
    QCOMPARE(current.data(TrafficModel::RecordIdRole).toULongLong(), wanted);
    QCOMPARE(traffic.proxy()->rowCount(), 3);            // its session's stanzas only
    QVERIFY(!traffic.showRecord(recorder.lastId() + 1)); // never captured
}

QTEST_MAIN(tst_GuiProblemModel)
#include "tst_gui_problemmodel.moc"
