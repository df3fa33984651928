// SPDX-License-Identifier: GPL-3.0-or-later
#include "faultsdialog.h"

#include "answertext.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace Switchboard::Gui {

namespace {

QSpinBox *spinBox(int min, int max, int value, const QString &suffix, QWidget *parent)
{
    auto *box = new QSpinBox(parent);
    box->setRange(min, max);
    box->setValue(value);
    box->setSuffix(suffix);
    return box;
}

QWidget *page(QWidget *parent, const std::function<void(QFormLayout *)> &fill)
{
    auto *widget = new QWidget(parent);
    auto *form = new QFormLayout(widget);
    form->setContentsMargins(0, 0, 0, 0);
    fill(form);
    return widget;
}

} // namespace

FaultsDialog::FaultsDialog(const QString &sid, Apply applyCall, Undo undoCall, QWidget *parent)
    : QDialog(parent), m_sid(sid), m_apply(std::move(applyCall)), m_undo(std::move(undoCall))
{
    setWindowTitle(tr("Faults for Session %1").arg(sid));
    setObjectName(QStringLiteral("faultsDialog"));

    auto *text = new QLabel(tr("Break this session on purpose to see whether its client recovers. Each "
                               "fault ends by itself, or with Undo, and shows in the traffic view."),
                            this);
    text->setWordWrap(true);

    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("faultKind"));
    m_pages = new QStackedWidget(this);
    // One entry and one page per fault, in the admin API's terms (docs/ADMIN.md).
    m_kind->addItem(tr("Delay every stanza toward the client"), QStringLiteral("delay"));
    m_pages->addWidget(page(this, [this](QFormLayout *form) {
        m_delayMs = spinBox(1, 60000, 500, tr(" ms"), this);
        m_delaySeconds = spinBox(1, 600, 60, tr(" s"), this);
        form->addRow(tr("&Delay:"), m_delayMs);
        form->addRow(tr("&For:"), m_delaySeconds);
    }));
    m_kind->addItem(tr("Drop the next BOSH responses"), QStringLiteral("drop"));
    m_pages->addWidget(page(this, [this](QFormLayout *form) {
        m_dropCount = spinBox(1, 100, 1, QString(), this);
        m_dropCount->setObjectName(QStringLiteral("faultDropCount"));
        form->addRow(tr("&Responses:"), m_dropCount);
        auto *note =
            new QLabel(tr("Their connections close unanswered; the client must resend the same rid."), this);
        note->setWordWrap(true);
        form->addRow(note);
    }));
    m_kind->addItem(tr("Hold all traffic toward the client (a stall)"), QStringLiteral("hold"));
    m_pages->addWidget(page(this, [this](QFormLayout *form) {
        m_holdSeconds = spinBox(1, 600, 10, tr(" s"), this);
        form->addRow(tr("&For:"), m_holdSeconds);
    }));
    m_kind->addItem(tr("Reorder the next two stanzas toward the client"), QStringLiteral("reorder"));
    m_pages->addWidget(page(this, [](QFormLayout *) {}));
    m_kind->addItem(tr("End the server link as if the server crashed"), QStringLiteral("cut-link"));
    m_pages->addWidget(page(this, [](QFormLayout *) {}));
    m_kind->addItem(tr("Terminate with a condition"), QStringLiteral("terminate"));
    m_pages->addWidget(page(this, [this](QFormLayout *form) {
        m_terminateCondition = new QComboBox(this);
        for (const char *name : {"system-shutdown", "see-other-uri", "host-gone", "policy-violation",
                                 "remote-connection-failed", "internal-server-error", "undefined-condition",
                                 "other-request", "item-not-found", "bad-request"})
            m_terminateCondition->addItem(QString::fromLatin1(name), QString::fromLatin1(name));
        m_uri = new QLineEdit(this);
        m_uri->setObjectName(QStringLiteral("faultUri"));
        m_uri->setPlaceholderText(QStringLiteral("https://other.example/http-bind"));
        form->addRow(tr("&Condition:"), m_terminateCondition);
        form->addRow(tr("&URI (see-other-uri):"), m_uri);
    }));
    m_kind->addItem(tr("Answer the next IQ with an error"), QStringLiteral("iq-error"));
    m_pages->addWidget(page(this, [this](QFormLayout *form) {
        m_iqCondition = new QComboBox(this);
        for (const char *name :
             {"service-unavailable", "feature-not-implemented", "internal-server-error", "item-not-found",
              "not-allowed", "forbidden", "bad-request", "remote-server-timeout", "resource-constraint"})
            m_iqCondition->addItem(QString::fromLatin1(name), QString::fromLatin1(name));
        m_iqType = new QComboBox(this);
        for (const char *type : {"cancel", "wait", "modify", "auth", "continue"})
            m_iqType->addItem(QString::fromLatin1(type), QString::fromLatin1(type));
        form->addRow(tr("&Condition:"), m_iqCondition);
        form->addRow(tr("&Type:"), m_iqType);
    }));
    connect(m_kind, &QComboBox::currentIndexChanged, m_pages, &QStackedWidget::setCurrentIndex);

    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("faultResult"));
    m_result->setWordWrap(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *applyButton = buttons->addButton(tr("&Apply"), QDialogButtonBox::ApplyRole);
    applyButton->setObjectName(QStringLiteral("faultApply"));
    applyButton->setDefault(true);
    QPushButton *undoButton = buttons->addButton(tr("&Undo"), QDialogButtonBox::ResetRole);
    undoButton->setObjectName(QStringLiteral("faultUndo"));
    undoButton->setToolTip(tr("End every fault of this session; what they keep goes to the client now"));
    connect(applyButton, &QPushButton::clicked, this, [this] { applyFault(); });
    connect(undoButton, &QPushButton::clicked, this, [this] { undo(); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *form = new QFormLayout;
    form->addRow(tr("&Fault:"), m_kind);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(text);
    layout->addLayout(form);
    layout->addWidget(m_pages);
    layout->addWidget(m_result);
    layout->addWidget(buttons);
}

QJsonObject FaultsDialog::fault() const
{
    const QString kind = m_kind->currentData().toString();
    QJsonObject json{{QStringLiteral("fault"), kind}};
    if (kind == QLatin1String("delay")) {
        json.insert(QStringLiteral("ms"), m_delayMs->value());
        json.insert(QStringLiteral("seconds"), m_delaySeconds->value());
    } else if (kind == QLatin1String("drop")) {
        json.insert(QStringLiteral("count"), m_dropCount->value());
    } else if (kind == QLatin1String("hold")) {
        json.insert(QStringLiteral("seconds"), m_holdSeconds->value());
    } else if (kind == QLatin1String("terminate")) {
        const QString condition = m_terminateCondition->currentData().toString();
        json.insert(QStringLiteral("condition"), condition);
        if (condition == QLatin1String("see-other-uri"))
            json.insert(QStringLiteral("uri"), m_uri->text().trimmed());
    } else if (kind == QLatin1String("iq-error")) {
        json.insert(QStringLiteral("condition"), m_iqCondition->currentData().toString());
        json.insert(QStringLiteral("type"), m_iqType->currentData().toString());
    }
    return json;
}

void FaultsDialog::setFault(const QString &name)
{
    const int index = m_kind->findData(name);
    if (index >= 0)
        m_kind->setCurrentIndex(index);
}

QString FaultsDialog::lastResult() const
{
    return m_result->text();
}

bool FaultsDialog::applyFault()
{
    if (!m_apply)
        return false;
    const QString name = m_kind->currentText();
    m_result->setText(tr("Applying: %1…").arg(name));
    ++m_waiting;
    // The answer may come after the dialog closed (it deletes itself): then nobody is told.
    m_apply(m_sid, fault(), [self = QPointer<FaultsDialog>(this), name](const SessionAnswer &answer) {
        if (self)
            self->showAnswer(answer.done(),
                             answerText(answer, tr("Applied: %1.").arg(name), tr("Not applied: %1")));
    });
    return true;
}

bool FaultsDialog::undo()
{
    if (!m_undo)
        return false;
    m_result->setText(tr("Ending every fault of this session…"));
    ++m_waiting;
    m_undo(m_sid, [self = QPointer<FaultsDialog>(this)](const SessionAnswer &answer) {
        if (self)
            self->showAnswer(answer.done(), answerText(answer, tr("Every fault of this session ended."),
                                                       tr("Not undone: %1")));
    });
    return true;
}

void FaultsDialog::showAnswer(bool done, const QString &text)
{
    --m_waiting;
    m_result->setText(text);
    Q_EMIT answered(done);
}

} // namespace Switchboard::Gui
