// SPDX-License-Identifier: GPL-3.0-or-later
#include "overviewpage.h"

#include "chartwidget.h"
#include "guiformat.h"

#include <QFrame>
#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace Switchboard::Gui {

namespace {
const QColor kToServer = QColor::fromString(QLatin1String("#1f6feb"));
const QColor kToClient = QColor::fromString(QLatin1String("#2da44e"));
const QColor kBosh = QColor::fromString(QLatin1String("#8250df"));
const QColor kWebSocket = QColor::fromString(QLatin1String("#bf8700"));
} // namespace

OverviewPage::OverviewPage(Monitor::Registry *registry, QWidget *parent)
    : QWidget(parent), m_registry(registry)
{
    setObjectName(QStringLiteral("overviewPage"));

    auto *counters = new QFrame(this);
    counters->setFrameShape(QFrame::StyledPanel);
    auto *grid = new QGridLayout(counters);
    grid->setHorizontalSpacing(24);
    m_liveLabel = addCounter(grid, 0, tr("Live sessions"));
    m_totalLabel = addCounter(grid, 1, tr("Sessions since start"));
    m_requestsLabel = addCounter(grid, 2, tr("BOSH requests"));
    m_latencyLabel = addCounter(grid, 3, tr("Held answer time (mean)"));
    m_stanzasLabel = addCounter(grid, 4, tr("Stanzas →server / →client"));
    m_bytesLabel = addCounter(grid, 5, tr("Bytes →server / →client"));
    m_failuresLabel = addCounter(grid, 6, tr("Backend connect failures"));
    m_undeliveredLabel = addCounter(grid, 7, tr("Undelivered stanzas"));
    m_pushLabel = addCounter(grid, 8, tr("Pushes sent / failed / retried"));
    m_pushLabel->setObjectName(QStringLiteral("pushLabel"));
    m_pushDroppedLabel = addCounter(grid, 9, tr("Push subscriptions dropped / disabled / refused"));
    m_pushDroppedLabel->setObjectName(QStringLiteral("pushDroppedLabel"));

    m_sessionsChart = new ChartWidget(tr("Sessions"), this);
    m_sessionsChart->addSeries(tr("BOSH"), kBosh);
    m_sessionsChart->addSeries(tr("WebSocket"), kWebSocket);
    m_requestChart = new ChartWidget(tr("Requests/s"), this);
    m_requestChart->addSeries(tr("BOSH"), kBosh);
    m_requestChart->setFormatter(
        [](double v) { return QLocale().toString(v, 'f', v < 10 && v > 0 ? 1 : 0); });
    m_stanzaChart = new ChartWidget(tr("Stanzas/s"), this);
    m_stanzaChart->addSeries(tr("→server"), kToServer);
    m_stanzaChart->addSeries(tr("→client"), kToClient);
    m_stanzaChart->setFormatter([](double v) { return QLocale().toString(v, 'f', v < 10 && v > 0 ? 1 : 0); });
    m_byteChart = new ChartWidget(tr("Bytes/s"), this);
    m_byteChart->addSeries(tr("→server"), kToServer);
    m_byteChart->addSeries(tr("→client"), kToClient);
    m_byteChart->setFormatter([](double v) { return Format::bytes(quint64(v)); });
    m_errorsChart = new BarChartWidget(tr("Errors by condition"), this);
    m_errorsChart->setEmptyText(tr("No errors"));
    m_refusalsChart = new BarChartWidget(tr("Refusals by limit"), this);
    m_refusalsChart->setObjectName(QStringLiteral("refusalsChart"));
    m_refusalsChart->setEmptyText(tr("No refusals"));
    for (ChartWidget *chart : {m_sessionsChart, m_requestChart, m_stanzaChart, m_byteChart})
        chart->setCapacity(120); // two minutes at one sample a second

    auto *charts = new QGridLayout;
    charts->addWidget(m_sessionsChart, 0, 0);
    charts->addWidget(m_requestChart, 0, 1);
    charts->addWidget(m_stanzaChart, 1, 0);
    charts->addWidget(m_byteChart, 1, 1);
    charts->addWidget(m_errorsChart, 0, 2);
    charts->addWidget(m_refusalsChart, 1, 2);
    charts->setColumnStretch(0, 2);
    charts->setColumnStretch(1, 2);
    charts->setColumnStretch(2, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(counters);
    layout->addLayout(charts, 1);

    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &OverviewPage::sample);
    m_timer.start();
    sample();
}

QLabel *OverviewPage::addCounter(QGridLayout *grid, int index, const QString &title)
{
    const int row = (index / 4) * 2;
    const int column = index % 4;
    auto *caption = new QLabel(title, this);
    caption->setForegroundRole(QPalette::PlaceholderText);
    auto *value = new QLabel(QStringLiteral("0"), this);
    QFont big = value->font();
    big.setPointSizeF(big.pointSizeF() * 1.35);
    big.setBold(true);
    value->setFont(big);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    grid->addWidget(caption, row, column);
    grid->addWidget(value, row + 1, column);
    return value;
}

bool OverviewPage::isErrorCondition(const QString &condition)
{
    static const QRegularExpression token(QStringLiteral("^[a-z]+(-[a-z]+)*$"));
    return condition != QLatin1String("normal") && token.match(condition).hasMatch();
}

void OverviewPage::sample()
{
    if (!m_registry)
        return;
    const Monitor::RegistryCounters now = m_registry->counters();
    const double seconds = m_haveLast ? std::max(0.001, double(m_clock.restart()) / 1000.0) : 1.0;
    if (!m_haveLast)
        m_clock.start();
    auto rate = [&](quint64 current, quint64 previous) {
        return m_haveLast && current >= previous ? double(current - previous) / seconds : 0.0;
    };

    m_liveLabel->setText(tr("%1 (BOSH %2, WebSocket %3, REST %4)")
                             .arg(Format::count(quint64(now.liveBosh + now.liveWebSocket + now.liveRest)),
                                  Format::count(quint64(now.liveBosh)),
                                  Format::count(quint64(now.liveWebSocket)),
                                  Format::count(quint64(now.liveRest))));
    m_totalLabel->setText(Format::count(now.totalBosh + now.totalWebSocket + now.totalRest));
    m_requestsLabel->setText(Format::count(now.requests));
    m_stanzasLabel->setText(Format::count(now.stanzasToServer) + QLatin1String(" / ") +
                            Format::count(now.stanzasToClient));
    m_bytesLabel->setText(Format::bytes(now.bytesToServer) + QLatin1String(" / ") +
                          Format::bytes(now.bytesToClient));
    m_failuresLabel->setText(Format::count(now.backendConnectFailures));
    m_undeliveredLabel->setText(Format::count(now.undelivered));
    const QLatin1String slash(" / ");
    m_pushLabel->setText(Format::count(now.push.delivered) + slash + Format::count(now.push.failures) +
                         slash + Format::count(now.push.retries));
    m_pushDroppedLabel->setText(Format::count(now.push.gone) + slash + Format::count(now.push.disabled) +
                                slash + Format::count(now.push.refusedTargets + now.push.refusedAddresses));
    m_latencyLabel->setText(
        now.answerLatency.count == 0
            ? tr("–")
            : tr("%1 ms").arg(QLocale().toString(
                  double(now.answerLatency.sumMs) / double(now.answerLatency.count), 'f', 0)));

    m_sessionsChart->addSample(0, now.liveBosh);
    m_sessionsChart->addSample(1, now.liveWebSocket);
    m_requestChart->addSample(0, rate(now.requests, m_last.requests));
    m_stanzaChart->addSample(0, rate(now.stanzasToServer, m_last.stanzasToServer));
    m_stanzaChart->addSample(1, rate(now.stanzasToClient, m_last.stanzasToClient));
    m_byteChart->addSample(0, rate(now.bytesToServer, m_last.bytesToServer));
    m_byteChart->addSample(1, rate(now.bytesToClient, m_last.bytesToClient));

    QList<QPair<QString, qint64>> errors;
    for (auto it = now.conditions.cbegin(); it != now.conditions.cend(); ++it) {
        if (isErrorCondition(it.key()))
            errors.append({it.key(), qint64(it.value())});
    }
    m_errorsChart->setValues(errors);
    QList<QPair<QString, qint64>> refusals;
    for (auto it = now.refusals.cbegin(); it != now.refusals.cend(); ++it) {
        if (it.value() > 0)
            refusals.append({it.key(), qint64(it.value())});
    }
    m_refusalsChart->setValues(refusals);

    m_last = now;
    m_haveLast = true;
}

} // namespace Switchboard::Gui
