// SPDX-License-Identifier: GPL-3.0-or-later
#include "trafficpage.h"

#include "columnmenu.h"
#include "guiformat.h"
#include "trafficmodel.h"
#include "xmlformat.h"
#include "xmlhighlighter.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

namespace Switchboard::Gui {

namespace {
/// Stanzas bigger than this are shown raw in the detail pane: formatting and highlighting a
/// multi-megabyte vCard would stall the window.
constexpr qsizetype kMaxPrettySize = 256 * 1024;
} // namespace

TrafficPage::TrafficPage(Monitor::TrafficRecorder *recorder, Monitor::Registry *registry, QWidget *parent)
    : QWidget(parent), m_recorder(recorder)
{
    setObjectName(QStringLiteral("trafficPage"));
    m_model = new TrafficModel(recorder, this);
    m_proxy = new TrafficFilterProxy(this);
    m_proxy->setSourceModel(m_model);

    m_session = new QComboBox(this);
    m_session->setObjectName(QStringLiteral("trafficSessionFilter"));
    m_session->addItem(tr("All sessions"), QString());
    m_session->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_direction = new QComboBox(this);
    m_direction->setObjectName(QStringLiteral("trafficDirectionFilter"));
    m_direction->addItem(tr("Both directions"), int(TrafficFilterProxy::DirectionFilter::Both));
    m_direction->addItem(tr("→ server only"), int(TrafficFilterProxy::DirectionFilter::ToServer));
    m_direction->addItem(tr("→ client only"), int(TrafficFilterProxy::DirectionFilter::ToClient));
    m_element = new QComboBox(this);
    m_element->setObjectName(QStringLiteral("trafficElementFilter"));
    m_element->setEditable(true);
    m_element->addItems({QString(), QStringLiteral("message"), QStringLiteral("presence"),
                         QStringLiteral("iq"), QStringLiteral("auth"), QStringLiteral("features")});
    m_element->lineEdit()->setPlaceholderText(tr("Any element"));
    m_element->setMinimumContentsLength(12);
    m_element->lineEdit()->setClearButtonEnabled(true);
    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("trafficTextFilter"));
    m_text->setPlaceholderText(tr("Search in stanzas…"));
    m_text->setClearButtonEnabled(true);
    connect(m_session, &QComboBox::currentIndexChanged, this, &TrafficPage::applyFilters);
    connect(m_direction, &QComboBox::currentIndexChanged, this, &TrafficPage::applyFilters);
    connect(m_element, &QComboBox::currentTextChanged, this, &TrafficPage::applyFilters);
    connect(m_text, &QLineEdit::textChanged, this, &TrafficPage::applyFilters);

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_session);
    filters->addWidget(m_direction);
    filters->addWidget(m_element);
    filters->addWidget(m_text, 1);

    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("trafficView"));
    m_view->setModel(m_proxy);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true); // the view need not measure rows: scrolling stays O(1)
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setSortingEnabled(false); // capture order; the proxy only filters
    m_view->header()->setSectionsMovable(true);
    m_view->header()->setStretchLastSection(true);
    installColumnMenu(m_view->header());
    const QFontMetrics metrics = m_view->fontMetrics();
    m_view->setColumnWidth(TrafficModel::Time,
                           metrics.horizontalAdvance(QStringLiteral("00:00:00.000")) + 24);
    m_view->setColumnWidth(TrafficModel::Session, 150);
    m_view->setColumnWidth(TrafficModel::Direction,
                           metrics.horizontalAdvance(Format::direction(Monitor::Direction::ToServer)) + 24);
    m_view->setColumnWidth(TrafficModel::Size, metrics.horizontalAdvance(QStringLiteral("000,000")) + 16);
    m_view->setColumnWidth(TrafficModel::Element, 90);
    m_view->setColumnWidth(TrafficModel::Type, 70);
    m_view->setColumnWidth(TrafficModel::To, 200);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &TrafficPage::showDetail);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TrafficPage::selectionChanged);
    connect(m_model, &TrafficModel::rowsAppended, this, &TrafficPage::onAppended);
    connect(m_model, &QAbstractItemModel::modelReset, this, &TrafficPage::showDetail);

    m_detailTitle = new QLabel(tr("Select a stanza to see it here."), this);
    m_detailTitle->setObjectName(QStringLiteral("trafficDetailTitle"));
    m_detailTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detail = new QPlainTextEdit(this);
    m_detail->setObjectName(QStringLiteral("trafficDetail"));
    m_detail->setReadOnly(true);
    m_detail->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_detail->setLineWrapMode(QPlainTextEdit::NoWrap);
    new XmlHighlighter(m_detail->document());

    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    detailLayout->addWidget(m_detailTitle);
    detailLayout->addWidget(m_detail, 1);

    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("trafficSplitter"));
    m_splitter->addWidget(m_view);
    m_splitter->addWidget(detail);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_splitter, 1);

    if (registry) {
        const QStringList live = registry->sessionIds();
        for (const QString &id : live)
            addSession(id);
        connect(registry, &Monitor::Registry::sessionsAdded, this, [this](const QStringList &ids) {
            for (const QString &id : ids)
                addSession(id);
        });
    }
}

void TrafficPage::addSession(const QString &id)
{
    if (m_session->findData(id) < 0)
        m_session->addItem(id, id);
}

void TrafficPage::setSessionFilter(const QString &id)
{
    if (!id.isEmpty())
        addSession(id);
    m_session->setCurrentIndex(std::max(0, m_session->findData(id)));
}

bool TrafficPage::showRecord(quint64 id)
{
    m_model->pull();
    int sourceRow = -1;
    for (int row = m_model->rowCount() - 1; row >= 0; --row) {
        if (m_model->record(row).id == id) {
            sourceRow = row;
            break;
        }
    }
    if (sourceRow < 0)
        return false;
    const QModelIndex source = m_model->index(sourceRow, 0);
    setSessionFilter(m_model->record(sourceRow).session);
    applyFilters();
    QModelIndex shown = m_proxy->mapFromSource(source);
    if (!shown.isValid()) {
        // Another filter hides it: the stanza asked for wins.
        m_direction->setCurrentIndex(0);
        m_element->setCurrentText(QString());
        m_text->clear();
        applyFilters();
        shown = m_proxy->mapFromSource(source);
    }
    if (!shown.isValid())
        return false;
    m_follow = false;
    m_view->setCurrentIndex(shown);
    m_view->selectionModel()->select(shown, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(shown, QAbstractItemView::PositionAtCenter);
    return true;
}

void TrafficPage::applyFilters()
{
    m_proxy->setSessionFilter(m_session->currentData().toString());
    m_proxy->setDirectionFilter(TrafficFilterProxy::DirectionFilter(m_direction->currentData().toInt()));
    m_proxy->setElementFilter(m_element->currentText().trimmed());
    m_proxy->setTextFilter(m_text->text());
}

void TrafficPage::onAppended()
{
    if (!m_follow)
        return;
    // Follow the tail only when the user is at the tail (or has not picked a row): reading an older
    // stanza must not be yanked away by new traffic.
    const QScrollBar *bar = m_view->verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum() - 1;
    if (atEnd || !m_view->selectionModel()->hasSelection())
        m_view->scrollToBottom();
}

QList<Monitor::TrafficRecord> TrafficPage::selectedRecords() const
{
    QList<int> rows;
    const QModelIndexList selected = m_view->selectionModel()->selectedRows();
    for (const QModelIndex &index : selected)
        rows.append(m_proxy->mapToSource(index).row());
    std::sort(rows.begin(), rows.end());
    QList<Monitor::TrafficRecord> records;
    records.reserve(rows.size());
    for (const int row : rows)
        records.append(m_model->record(row));
    return records;
}

void TrafficPage::copySelection() const
{
    QStringList lines;
    const QList<Monitor::TrafficRecord> records = selectedRecords();
    for (const Monitor::TrafficRecord &record : records)
        lines.append(QString::fromUtf8(record.xml));
    if (!lines.isEmpty())
        QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
}

void TrafficPage::showDetail()
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    if (!current.isValid()) {
        m_detailTitle->setText(tr("Select a stanza to see it here."));
        m_detail->clear();
        return;
    }
    const Monitor::TrafficRecord &record = m_model->record(m_proxy->mapToSource(current).row());
    QString title =
        tr("#%1 · %2 · session %3 · %4 · %n byte(s)", nullptr, int(record.size))
            .arg(QString::number(record.id),
                 QLocale().toString(record.time.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")),
                 record.stream.isEmpty() || record.stream == record.session
                     ? record.session
                     : record.session + QLatin1Char('/') + record.stream,
                 Format::direction(record.direction));
    if (record.redacted)
        title += tr(" · secrets redacted");
    m_detailTitle->setText(title);
    if (!record.note.isEmpty()) {
        m_detail->setPlainText(tr("Fault on demand: %1").arg(record.note));
        return;
    }
    if (record.xml.size() > kMaxPrettySize) {
        m_detail->setPlainText(QString::fromUtf8(record.xml));
        return;
    }
    m_detail->setPlainText(prettyXml(record.xml));
}

void TrafficPage::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("traffic/header"), m_view->header()->saveState());
    settings.setValue(QStringLiteral("traffic/splitter"), m_splitter->saveState());
}

void TrafficPage::restoreState(QSettings &settings)
{
    m_view->header()->restoreState(settings.value(QStringLiteral("traffic/header")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("traffic/splitter")).toByteArray());
}

} // namespace Switchboard::Gui
