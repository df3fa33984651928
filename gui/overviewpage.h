// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "monitor/registry.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QGridLayout;
class QLabel;

namespace Switchboard::Gui {

class BarChartWidget;
class ChartWidget;

/// The Overview tab: the registry's counters as numbers and small live charts (sessions, requests/s,
/// stanzas/s, bytes/s, errors by condition). Samples the registry's counters() once a second (rates
/// are the difference between two samples), so the cost does not grow with the traffic.
class OverviewPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OverviewPage)
public:
    explicit OverviewPage(Monitor::Registry *registry, QWidget *parent = nullptr);

    /// Takes one sample now (the timer does it every second).
    void sample();
    /// Conditions counted as errors in the chart: XEP-0124/RFC 6120 condition names. "normal" and
    /// free-text reasons for an ordinary end ("client terminated", "inactivity") are not errors.
    static bool isErrorCondition(const QString &condition);

    ChartWidget *sessionsChart() const { return m_sessionsChart; }
    ChartWidget *stanzasChart() const { return m_stanzaChart; }
    BarChartWidget *errorsChart() const { return m_errorsChart; }
    /// Refusals by protective limit since start (limits that refused nothing are left out).
    BarChartWidget *refusalsChart() const { return m_refusalsChart; }

private:
    QLabel *addCounter(QGridLayout *grid, int index, const QString &title);

    QPointer<Monitor::Registry> m_registry;
    QTimer m_timer;
    QElapsedTimer m_clock;
    Monitor::RegistryCounters m_last;
    bool m_haveLast = false;

    QLabel *m_liveLabel = nullptr;
    QLabel *m_totalLabel = nullptr;
    QLabel *m_requestsLabel = nullptr;
    QLabel *m_stanzasLabel = nullptr;
    QLabel *m_bytesLabel = nullptr;
    QLabel *m_failuresLabel = nullptr;
    QLabel *m_undeliveredLabel = nullptr;
    QLabel *m_pushLabel = nullptr;        ///< pushes sent / failed / retried
    QLabel *m_pushDroppedLabel = nullptr; ///< subscriptions dropped / targets disabled / refused
    QLabel *m_latencyLabel = nullptr;

    ChartWidget *m_sessionsChart = nullptr;
    ChartWidget *m_requestChart = nullptr;
    ChartWidget *m_stanzaChart = nullptr;
    ChartWidget *m_byteChart = nullptr;
    BarChartWidget *m_errorsChart = nullptr;
    BarChartWidget *m_refusalsChart = nullptr;
};

} // namespace Switchboard::Gui
