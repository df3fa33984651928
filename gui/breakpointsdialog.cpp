// SPDX-License-Identifier: GPL-3.0-or-later
#include "breakpointsdialog.h"

#include "answertext.h"
#include "xmlformat.h"
#include "xmlhighlighter.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <utility>

namespace Switchboard::Gui {

namespace {

constexpr int kRefreshMs = 500;

QString elementOf(const QString &xml)
{
    // The local name of the first tag, for the list: "<message to=…" → "message".
    const qsizetype start = xml.indexOf(u'<');
    if (start < 0)
        return {};
    qsizetype end = start + 1;
    while (end < xml.size() && !xml.at(end).isSpace() && xml.at(end) != u'>' && xml.at(end) != u'/')
        ++end;
    const QString name = xml.mid(start + 1, end - start - 1);
    return name.section(u':', -1);
}

} // namespace

BreakpointsDialog::BreakpointsDialog(const QString &sid, Operations operations, QWidget *parent)
    : QDialog(parent), m_sid(sid), m_ops(std::move(operations))
{
    setWindowTitle(tr("Breakpoints for Session %1").arg(sid));
    setObjectName(QStringLiteral("breakpointsDialog"));

    auto *intro = new QLabel(tr("Stanzas that match the filter stop here until you forward, edit or drop "
                                "them; those behind one wait too, so the order is kept. The session's "
                                "timers keep running meanwhile."),
                             this);
    intro->setWordWrap(true);

    m_direction = new QComboBox(this);
    m_direction->addItem(tr("Both directions"), QStringLiteral("both"));
    m_direction->addItem(tr("Toward the client"), QStringLiteral("to-client"));
    m_direction->addItem(tr("Toward the server"), QStringLiteral("to-server"));
    m_element = new QLineEdit(this);
    m_element->setPlaceholderText(tr("any (message, presence, iq…)"));
    m_type = new QLineEdit(this);
    m_type->setPlaceholderText(tr("any (chat, get, set…)"));
    m_text = new QLineEdit(this);
    m_text->setPlaceholderText(tr("any"));
    m_seconds = new QSpinBox(this);
    m_seconds->setRange(1, 600);
    m_seconds->setValue(60);
    m_seconds->setSuffix(tr(" s"));
    auto *form = new QFormLayout;
    form->addRow(tr("&Direction:"), m_direction);
    form->addRow(tr("&Element:"), m_element);
    form->addRow(tr("&Type:"), m_type);
    form->addRow(tr("Te&xt contains:"), m_text);
    form->addRow(tr("&Forward unchanged after:"), m_seconds);
    auto *setButton = new QPushButton(tr("&Set Breakpoint"), this);
    auto *removeButton = new QPushButton(tr("&Remove Breakpoint"), this);
    connect(setButton, &QPushButton::clicked, this, [this] { setBreakpoint(); });
    connect(removeButton, &QPushButton::clicked, this, [this] { removeBreakpoint(); });
    auto *filterButtons = new QHBoxLayout;
    filterButtons->addWidget(setButton);
    filterButtons->addWidget(removeButton);
    filterButtons->addStretch();
    m_current = new QLabel(this);
    m_current->setWordWrap(true);

    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("heldList"));
    connect(m_list, &QListWidget::currentRowChanged, this, [this] { showSelected(); });
    m_editor = new QPlainTextEdit(this);
    m_editor->setObjectName(QStringLiteral("heldEditor"));
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    new XmlHighlighter(m_editor->document());
    connect(m_editor, &QPlainTextEdit::textChanged, this, [this] { checkEdit(); });
    m_check = new QLabel(this);
    m_check->setWordWrap(true);

    m_forward = new QPushButton(tr("F&orward"), this);
    m_edit = new QPushButton(tr("Edi&t and Forward"), this);
    m_drop = new QPushButton(tr("Dro&p"), this);
    m_forward->setObjectName(QStringLiteral("heldForward"));
    m_edit->setObjectName(QStringLiteral("heldEdit"));
    m_drop->setObjectName(QStringLiteral("heldDrop"));
    connect(m_forward, &QPushButton::clicked, this, [this] { forward(); });
    connect(m_edit, &QPushButton::clicked, this, [this] { editAndForward(); });
    connect(m_drop, &QPushButton::clicked, this, [this] { drop(); });
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_forward);
    actions->addWidget(m_edit);
    actions->addWidget(m_drop);
    actions->addStretch();
    m_result = new QLabel(this);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addLayout(filterButtons);
    layout->addWidget(m_current);
    layout->addWidget(new QLabel(tr("&Held stanzas:"), this));
    layout->addWidget(m_list, 1);
    layout->addWidget(m_editor, 2);
    layout->addWidget(m_check);
    layout->addLayout(actions);
    layout->addWidget(m_result);
    layout->addWidget(buttons);
    resize(640, 620);

    m_refresh.setInterval(kRefreshMs);
    connect(&m_refresh, &QTimer::timeout, this, [this] { refresh(); });
    m_refresh.start();
    refresh();
}

QJsonObject BreakpointsDialog::filter() const
{
    QJsonObject json{{QStringLiteral("direction"), m_direction->currentData().toString()},
                     {QStringLiteral("seconds"), m_seconds->value()}};
    if (!m_element->text().trimmed().isEmpty())
        json.insert(QStringLiteral("element"), m_element->text().trimmed());
    if (!m_type->text().trimmed().isEmpty())
        json.insert(QStringLiteral("type"), m_type->text().trimmed());
    if (!m_text->text().isEmpty())
        json.insert(QStringLiteral("text"), m_text->text());
    return json;
}

void BreakpointsDialog::setFilter(const QString &direction, const QString &element, const QString &type,
                                  const QString &text)
{
    const int index = m_direction->findData(direction);
    m_direction->setCurrentIndex(index >= 0 ? index : 0);
    m_element->setText(element);
    m_type->setText(type);
    m_text->setText(text);
}

bool BreakpointsDialog::setBreakpoint()
{
    if (!m_ops.set)
        return false;
    setResult(tr("Setting the breakpoint…"));
    ++m_waiting;
    // The answer may come after the dialog closed (it deletes itself): then nobody is told.
    m_ops.set(m_sid, filter(), [self = QPointer<BreakpointsDialog>(this)](const SessionAnswer &answer) {
        if (self)
            self->showAnswer(answer.done(), answerText(answer, tr("Breakpoint set."), tr("Not set: %1")));
    });
    return true;
}

bool BreakpointsDialog::removeBreakpoint()
{
    if (!m_ops.clear)
        return false;
    setResult(tr("Removing the breakpoint…"));
    ++m_waiting;
    m_ops.clear(m_sid, [self = QPointer<BreakpointsDialog>(this)](const SessionAnswer &answer) {
        if (self)
            self->showAnswer(answer.done(),
                             answerText(answer, tr("Breakpoint removed; held stanzas go on unchanged."),
                                        tr("Not removed: %1")));
    });
    return true;
}

void BreakpointsDialog::showAnswer(bool done, const QString &text)
{
    --m_waiting;
    setResult(text);
    Q_EMIT answered(done);
    refresh();
}

void BreakpointsDialog::refresh()
{
    if (!m_ops.state)
        return;
    if (m_reading) {
        m_readAgain = true;
        return;
    }
    m_reading = true;
    m_ops.state(m_sid, [self = QPointer<BreakpointsDialog>(this)](const SessionAnswer &answer) {
        if (!self)
            return;
        self->m_reading = false;
        self->showState(answer);
        if (std::exchange(self->m_readAgain, false))
            self->refresh();
    });
}

void BreakpointsDialog::showState(const SessionAnswer &answer)
{
    if (answer.outcome == SessionAnswer::Outcome::NoAnswer) {
        // A busy worker: what was read last still stands, and so does an edit under way.
        m_current->setText(answerText(answer, {}, {}));
        return;
    }
    if (!answer.done()) {
        m_current->setText(tr("Not read: %1").arg(answer.error));
        m_held = {};
    } else {
        const QJsonObject breakpoint = answer.state.value(QStringLiteral("breakpoint")).toObject();
        m_current->setText(
            breakpoint.isEmpty()
                ? tr("No breakpoint set.")
                : tr("Breakpoint: %1")
                      .arg(QString::fromUtf8(QJsonDocument(breakpoint).toJson(QJsonDocument::Compact))));
        m_held = answer.state.value(QStringLiteral("held")).toArray();
    }
    const int selected = selectedId();
    const QSignalBlocker blocker(m_list);
    m_list->clear();
    int row = -1;
    for (const QJsonValue &value : std::as_const(m_held)) {
        const QJsonObject entry = value.toObject();
        const int id = entry.value(QStringLiteral("id")).toInt();
        const bool toClient =
            entry.value(QStringLiteral("direction")).toString() == QLatin1String("to-client");
        const QString element = elementOf(entry.value(QStringLiteral("xml")).toString());
        const QString label = entry.value(QStringLiteral("stopped")).toBool()
                                  ? tr("#%1 %2 %3 — stopped, %4 s left")
                                        .arg(id)
                                        .arg(toClient ? tr("to client") : tr("to server"), element)
                                        .arg(entry.value(QStringLiteral("msLeft")).toInt() / 1000)
                                  : tr("#%1 %2 %3 — waits behind")
                                        .arg(id)
                                        .arg(toClient ? tr("to client") : tr("to server"), element);
        auto *item = new QListWidgetItem(label, m_list);
        item->setData(Qt::UserRole, id);
        if (id == selected)
            row = m_list->count() - 1;
    }
    if (row < 0 && m_list->count() > 0)
        row = 0;
    m_list->setCurrentRow(row);
    if (selectedId() != selected)
        showSelected();
    updateButtons();
    Q_EMIT refreshed();
}

void BreakpointsDialog::updateButtons()
{
    bool stopped = false;
    for (const QJsonValue &value : std::as_const(m_held)) {
        const QJsonObject entry = value.toObject();
        if (entry.value(QStringLiteral("id")).toInt() == selectedId())
            stopped = entry.value(QStringLiteral("stopped")).toBool() &&
                      !entry.contains(QStringLiteral("decision"));
    }
    m_forward->setEnabled(stopped);
    m_drop->setEnabled(stopped);
    m_edit->setEnabled(stopped && canEdit());
}

int BreakpointsDialog::selectedId() const
{
    const QListWidgetItem *item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toInt() : 0;
}

void BreakpointsDialog::selectHeld(int id)
{
    for (int row = 0; row < m_list->count(); ++row) {
        if (m_list->item(row)->data(Qt::UserRole).toInt() == id)
            m_list->setCurrentRow(row);
    }
}

void BreakpointsDialog::showSelected()
{
    m_original.clear();
    for (const QJsonValue &value : std::as_const(m_held)) {
        const QJsonObject entry = value.toObject();
        if (entry.value(QStringLiteral("id")).toInt() == selectedId())
            m_original = entry.value(QStringLiteral("xml")).toString();
    }
    bool pretty = false;
    const QString shown = prettyXml(m_original.toUtf8(), &pretty);
    m_original = pretty ? shown : m_original;
    m_editor->setPlainText(m_original);
    updateButtons();
}

QString BreakpointsDialog::editedXml() const
{
    return m_editor->toPlainText();
}

void BreakpointsDialog::setEditedXml(const QString &xml)
{
    m_editor->setPlainText(xml);
}

bool BreakpointsDialog::canEdit() const
{
    return m_editValid && editedXml() != m_original;
}

void BreakpointsDialog::checkEdit()
{
    XmlProblem problem;
    m_editValid = checkStanza(editedXml(), &problem);
    if (selectedId() == 0)
        m_check->clear();
    else if (m_editValid)
        m_check->setText(editedXml() == m_original ? tr("Unchanged.") : tr("Edited; well-formed."));
    else if (problem.line > 0)
        m_check->setText(
            tr("Line %1, column %2: %3").arg(problem.line).arg(problem.column).arg(problem.message));
    else
        m_check->setText(problem.message);
    updateButtons();
}

bool BreakpointsDialog::forward()
{
    return act(QStringLiteral("forward"), {});
}

bool BreakpointsDialog::editAndForward()
{
    if (!canEdit()) {
        setResult(tr("Change the stanza first; it must stay one well-formed stanza."));
        return false;
    }
    return act(QStringLiteral("edit"), editedXml().trimmed().toUtf8());
}

bool BreakpointsDialog::drop()
{
    return act(QStringLiteral("drop"), {});
}

bool BreakpointsDialog::act(const QString &action, const QByteArray &xml)
{
    const int id = selectedId();
    if (id == 0) {
        setResult(tr("Select a held stanza first."));
        return false;
    }
    if (!m_ops.act)
        return false;
    setResult(tr("#%1: asking the session…").arg(id));
    ++m_waiting;
    const QString doneText = action == QLatin1String("drop")   ? tr("#%1 dropped.").arg(id)
                             : action == QLatin1String("edit") ? tr("#%1 edited and forwarded.").arg(id)
                                                               : tr("#%1 forwarded.").arg(id);
    m_ops.act(m_sid, id, action, xml,
              [self = QPointer<BreakpointsDialog>(this), doneText,
               failed = tr("#%1: %2").arg(id)](const SessionAnswer &answer) {
                  if (self)
                      self->showAnswer(answer.done(), answerText(answer, doneText, failed));
              });
    return true;
}

void BreakpointsDialog::setResult(const QString &text)
{
    m_result->setText(text);
}

QString BreakpointsDialog::lastResult() const
{
    return m_result->text();
}

QString BreakpointsDialog::stateText() const
{
    return m_current->text();
}

} // namespace Switchboard::Gui
