// SPDX-License-Identifier: GPL-3.0-or-later
#include "sessionspage.h"

#include "columnmenu.h"
#include "guiformat.h"
#include "sessionmodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QScrollBar>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTreeView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Switchboard::Gui {

namespace {

QString eventText(Monitor::SessionEvent::Kind kind)
{
    using Kind = Monitor::SessionEvent::Kind;
    switch (kind) {
    case Kind::Created:
        return SessionsPage::tr("Created");
    case Kind::StreamAdded:
        return SessionsPage::tr("Stream added");
    case Kind::BackendConnected:
        return SessionsPage::tr("Backend connected");
    case Kind::Restarted:
        return SessionsPage::tr("Stream restarted");
    case Kind::Bound:
        return SessionsPage::tr("Resource bound");
    case Kind::Paused:
        return SessionsPage::tr("Paused");
    case Kind::Error:
        return SessionsPage::tr("Error");
    case Kind::Undelivered:
        return SessionsPage::tr("Undelivered stanza");
    case Kind::StreamTerminated:
        return SessionsPage::tr("Stream terminated");
    case Kind::Closed:
        return SessionsPage::tr("Closed");
    }
    return {};
}

QTreeWidget *makeList(const QStringList &headers, QWidget *parent)
{
    auto *list = new QTreeWidget(parent);
    list->setRootIsDecorated(false);
    list->setUniformRowHeights(true);
    list->setAlternatingRowColors(true);
    list->setHeaderLabels(headers);
    list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    return list;
}

} // namespace

SessionsPage::SessionsPage(Monitor::Registry *registry, QWidget *parent)
    : QWidget(parent), m_registry(registry)
{
    setObjectName(QStringLiteral("sessionsPage"));
    m_model = new SessionModel(registry, this);
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(SessionModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);

    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("sessionFilter"));
    m_filter->setPlaceholderText(tr("Filter sessions (id, address, user agent, domain, JID…)"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);

    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("sessionView"));
    m_view->setModel(m_proxy);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(SessionModel::Age, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionsMovable(true);
    installColumnMenu(m_view->header());
    // Widths for typical content (a 32-hex-digit sid, an IPv4 address and port, a full JID); the user's
    // own widths replace these from the settings.
    const QFontMetrics metrics = m_view->fontMetrics();
    auto width = [&metrics](const char *sample) {
        return metrics.horizontalAdvance(QLatin1String(sample)) + 18;
    };
    m_view->setColumnWidth(SessionModel::Id, width("0123456789abcdef012"));
    m_view->setColumnWidth(SessionModel::Transport, width("WebSocket"));
    m_view->setColumnWidth(SessionModel::ClientAddress, width("255.255.255.25"));
    m_view->setColumnWidth(SessionModel::UserAgent, width("Mozilla/5.0 (X11; Linux)"));
    m_view->setColumnWidth(SessionModel::Domain, width("example.org"));
    m_view->setColumnWidth(SessionModel::Backend, width("127.0.0.1:52220"));
    m_view->setColumnWidth(SessionModel::BackendTls, width("Backend TLS"));
    m_view->setColumnWidth(SessionModel::Jid, width("alice@example.org/r"));
    m_view->setColumnWidth(SessionModel::Age, width("0 min 0 s"));
    m_view->setColumnWidth(SessionModel::Idle, width("0 min 0 s"));
    m_view->setColumnWidth(SessionModel::Held, width("Held"));
    for (const int column : {SessionModel::StanzasToServer, SessionModel::StanzasToClient,
                             SessionModel::BytesToServer, SessionModel::BytesToClient})
        m_view->setColumnWidth(column, width("Stanzas →S"));
    m_view->setColumnWidth(SessionModel::Worker, width("Worker"));
    // Less used columns start hidden; the header's context menu brings them back. The worker column is
    // shown at first only when there are several workers (MainWindow does that).
    m_view->header()->hideSection(SessionModel::UserAgent);
    m_view->header()->hideSection(SessionModel::Worker);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        showDetails();
        Q_EMIT selectionChanged();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &SessionsPage::showDetails);

    m_detailTitle = new QLabel(tr("Select a session to see its streams and timeline."), this);
    m_detailTitle->setObjectName(QStringLiteral("sessionDetailTitle"));
    m_detailTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_streams =
        makeList({tr("Stream"), tr("Domain"), tr("Backend"), tr("TLS"), tr("JID"), tr("State")}, this);
    m_streams->setObjectName(QStringLiteral("streamList"));
    m_timeline = makeList({tr("Time"), tr("Stream"), tr("Event"), tr("Detail")}, this);
    m_timeline->setObjectName(QStringLiteral("timelineList"));
    m_timeline->setColumnWidth(0, metrics.horizontalAdvance(QStringLiteral("00:00:00.000")) + 18);
    m_timeline->setColumnWidth(1, metrics.horizontalAdvance(QStringLiteral("0123456789ab")) + 18);
    m_timeline->setColumnWidth(2, metrics.horizontalAdvance(tr("Backend connected")) + 24);
    m_streams->setColumnWidth(0, metrics.horizontalAdvance(QStringLiteral("0123456789ab")) + 18);
    m_streams->setColumnWidth(2, metrics.horizontalAdvance(QStringLiteral("255.255.255.255:5222")) + 18);
    m_streams->setColumnWidth(3, metrics.horizontalAdvance(tr("none")) + 24);

    auto *details = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(details);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_detailTitle);
    m_detailSplitter = new QSplitter(Qt::Horizontal, details);
    m_detailSplitter->setObjectName(QStringLiteral("sessionDetailSplitter"));
    m_detailSplitter->addWidget(m_streams);
    m_detailSplitter->addWidget(m_timeline);
    m_detailSplitter->setStretchFactor(0, 2);
    m_detailSplitter->setStretchFactor(1, 3);
    detailLayout->addWidget(m_detailSplitter, 1);

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_filter);
    topLayout->addWidget(m_view, 1);

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("sessionSplitter"));
    m_splitter->addWidget(top);
    m_splitter->addWidget(details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_splitter);

    connect(registry, &Monitor::Registry::sessionsChanged, this, &SessionsPage::onRegistryChanged);
    connect(registry, &Monitor::Registry::sessionsRemoved, this, &SessionsPage::onRegistryChanged);
}

QString SessionsPage::currentSession() const
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    if (current.isValid() && m_view->selectionModel()->isRowSelected(current.row(), current.parent()))
        return current.data(SessionModel::SessionIdRole).toString();
    const QStringList selected = selectedSessions();
    return selected.isEmpty() ? QString() : selected.first();
}

QStringList SessionsPage::selectedSessions() const
{
    QStringList ids;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    for (const QModelIndex &row : rows)
        ids.append(row.data(SessionModel::SessionIdRole).toString());
    return ids;
}

void SessionsPage::selectSession(const QString &id)
{
    const int row = m_model->rowOf(id);
    if (row < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid())
        return;
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
    m_view->scrollTo(index);
}

void SessionsPage::onRegistryChanged(const QStringList &ids)
{
    // Refresh the details only when the shown session is in the batch (the model has its own signals).
    if (!m_shown.isEmpty() && ids.contains(m_shown))
        showDetails();
}

void SessionsPage::showDetails()
{
    QString id = currentSession();
    if (id.isEmpty())
        id = m_shown; // a session that just ended keeps its last details on screen
    m_shown = id;
    if (id.isEmpty() || !m_registry) {
        m_streams->clear();
        m_timeline->clear();
        m_detailTitle->setText(tr("Select a session to see its streams and timeline."));
        return;
    }
    const Monitor::SessionRecord record = m_registry->session(id);
    if (record.id.isEmpty())
        return;
    m_detailTitle->setText(record.closed
                               ? tr("Session %1 (%2) — ended: %3")
                                     .arg(record.id, Format::transport(record.transport),
                                          record.condition.isEmpty() ? tr("normal") : record.condition)
                               : tr("Session %1 (%2)").arg(record.id, Format::transport(record.transport)));

    m_streams->clear();
    QList<QTreeWidgetItem *> streamItems;
    for (const Monitor::StreamRecord &stream : record.streams) {
        const QString state = stream.open                  ? tr("open")
                              : stream.condition.isEmpty() ? tr("closed")
                                                           : tr("closed: %1").arg(stream.condition);
        streamItems.append(new QTreeWidgetItem(
            {stream.name, stream.domain, stream.backendPeer,
             stream.backendConnected ? (stream.backendEncrypted ? tr("TLS") : tr("none")) : QString(),
             stream.jid, state}));
    }
    m_streams->addTopLevelItems(streamItems);

    // The timeline is bounded by the registry (a few hundred entries): rebuilding it is cheap. Keep
    // the scroll position at the end when it was there, so new events stay in view.
    const bool atEnd = m_timeline->verticalScrollBar() == nullptr ||
                       m_timeline->verticalScrollBar()->value() == m_timeline->verticalScrollBar()->maximum();
    m_timeline->clear();
    QList<QTreeWidgetItem *> eventItems;
    const QList<Monitor::SessionEvent> events = m_registry->events(id);
    for (const Monitor::SessionEvent &event : events) {
        auto *item = new QTreeWidgetItem({event.time.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")),
                                          event.stream, eventText(event.kind), event.detail});
        item->setData(2, Qt::UserRole, Monitor::eventKindName(event.kind));
        item->setToolTip(0, QLocale().toString(event.time.toLocalTime(), QLocale::LongFormat));
        eventItems.append(item);
    }
    m_timeline->addTopLevelItems(eventItems);
    if (atEnd)
        m_timeline->scrollToBottom();
}

void SessionsPage::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("sessions/header"), m_view->header()->saveState());
    settings.setValue(QStringLiteral("sessions/splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("sessions/detailSplitter"), m_detailSplitter->saveState());
    settings.setValue(QStringLiteral("sessions/streamsHeader"), m_streams->header()->saveState());
    settings.setValue(QStringLiteral("sessions/timelineHeader"), m_timeline->header()->saveState());
}

void SessionsPage::restoreState(QSettings &settings)
{
    m_view->header()->restoreState(settings.value(QStringLiteral("sessions/header")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("sessions/splitter")).toByteArray());
    m_detailSplitter->restoreState(settings.value(QStringLiteral("sessions/detailSplitter")).toByteArray());
    m_streams->header()->restoreState(settings.value(QStringLiteral("sessions/streamsHeader")).toByteArray());
    m_timeline->header()->restoreState(
        settings.value(QStringLiteral("sessions/timelineHeader")).toByteArray());
}

} // namespace Switchboard::Gui
