// SPDX-License-Identifier: GPL-3.0-or-later
#include "stanzaeditor.h"

#include "xmlformat.h"
#include "xmlhighlighter.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QRadioButton>
#include <QTextBlock>
#include <QVBoxLayout>

namespace Switchboard::Gui {

StanzaEditor::StanzaEditor(Injector injector, QWidget *parent)
    : QDialog(parent), m_injector(std::move(injector))
{
    setWindowTitle(tr("Inject Stanza"));
    setObjectName(QStringLiteral("stanzaEditor"));

    m_session = new QComboBox(this);
    m_session->setObjectName(QStringLiteral("injectSession"));
    m_session->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_session->setMinimumContentsLength(30);

    m_toClient = new QRadioButton(tr("Toward the &client"), this);
    m_toServer = new QRadioButton(tr("Toward the &server"), this);
    m_toClient->setToolTip(tr("Deliver the stanza to the client as if the XMPP server had sent it"));
    m_toServer->setToolTip(tr("Send the stanza to the XMPP server as if the client had sent it"));
    m_toClient->setChecked(true);
    auto *directions = new QHBoxLayout;
    directions->addWidget(m_toClient);
    directions->addWidget(m_toServer);
    directions->addStretch();

    m_templates = new QComboBox(this);
    m_templates->addItem(tr("Insert a template…"));
    m_templates->addItem(tr("Chat message"),
                         QStringLiteral("<message xmlns='jabber:client' to='' type='chat'>\n"
                                        "  <body>Hello</body>\n</message>"));
    m_templates->addItem(tr("Presence"), QStringLiteral("<presence xmlns='jabber:client'>\n"
                                                        "  <show>away</show>\n</presence>"));
    m_templates->addItem(tr("Ping (XEP-0199)"),
                         QStringLiteral("<iq xmlns='jabber:client' type='get' id='ping1'>\n"
                                        "  <ping xmlns='urn:xmpp:ping'/>\n</iq>"));
    m_templates->addItem(tr("Roster request"),
                         QStringLiteral("<iq xmlns='jabber:client' type='get' id='roster1'>\n"
                                        "  <query xmlns='jabber:iq:roster'/>\n</iq>"));
    connect(m_templates, &QComboBox::activated, this, &StanzaEditor::insertTemplate);

    auto *form = new QFormLayout;
    form->addRow(tr("S&ession:"), m_session);
    form->addRow(tr("Direction:"), directions);
    form->addRow(tr("&Template:"), m_templates);

    m_editor = new QPlainTextEdit(this);
    m_editor->setObjectName(QStringLiteral("injectEditor"));
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setTabChangesFocus(true);
    m_editor->setPlaceholderText(
        tr("One stanza, e.g. <message to='bob@example.org'><body>hi</body></message>"));
    new XmlHighlighter(m_editor->document());

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("injectStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_send = buttons->addButton(tr("&Send"), QDialogButtonBox::ActionRole);
    m_send->setObjectName(QStringLiteral("injectSend"));
    m_send->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_send->setToolTip(tr("Send the stanza into the session (%1)")
                           .arg(m_send->shortcut().toString(QKeySequence::NativeText)));
    m_send->setEnabled(false);
    connect(m_send, &QPushButton::clicked, this, &StanzaEditor::send);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_editor, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    resize(560, 380);

    // Check shortly after typing stops rather than on every key (a long stanza re-parses quickly, but
    // the message would flicker while the user is in the middle of a tag).
    m_checkTimer.setSingleShot(true);
    m_checkTimer.setInterval(150);
    connect(&m_checkTimer, &QTimer::timeout, this, &StanzaEditor::validate);
    connect(m_editor, &QPlainTextEdit::textChanged, &m_checkTimer, qOverload<>(&QTimer::start));
    connect(m_session, &QComboBox::currentIndexChanged, this, &StanzaEditor::validate);
    validate();
}

void StanzaEditor::setSessions(const QList<QPair<QString, QString>> &sessions)
{
    const QString current = currentSession();
    m_session->clear();
    for (const auto &[sid, description] : sessions)
        m_session->addItem(description.isEmpty() ? sid : sid + QLatin1String(" — ") + description, sid);
    setCurrentSession(current);
    validate();
}

void StanzaEditor::setCurrentSession(const QString &sid)
{
    const int index = m_session->findData(sid);
    if (index >= 0)
        m_session->setCurrentIndex(index);
}

QString StanzaEditor::currentSession() const
{
    return m_session->currentData().toString();
}

void StanzaEditor::setDirection(Monitor::Direction direction)
{
    (direction == Monitor::Direction::ToClient ? m_toClient : m_toServer)->setChecked(true);
}

Monitor::Direction StanzaEditor::direction() const
{
    return m_toServer->isChecked() ? Monitor::Direction::ToServer : Monitor::Direction::ToClient;
}

void StanzaEditor::setXml(const QString &xml)
{
    m_editor->setPlainText(xml);
    validate();
}

QString StanzaEditor::xml() const
{
    return m_editor->toPlainText();
}

bool StanzaEditor::isValid()
{
    if (m_checkTimer.isActive())
        validate();
    return m_valid;
}

QString StanzaEditor::statusText() const
{
    return m_status->text();
}

void StanzaEditor::validate()
{
    m_checkTimer.stop();
    XmlProblem problem;
    m_valid = checkStanza(xml(), &problem);
    if (!m_valid) {
        if (xml().trimmed().isEmpty())
            setStatus(tr("Write one stanza to send."), false);
        else if (problem.line > 0)
            setStatus(tr("Line %1, column %2: %3").arg(problem.line).arg(problem.column).arg(problem.message),
                      true);
        else
            setStatus(problem.message, true);
    } else if (currentSession().isEmpty()) {
        setStatus(tr("Well-formed. Choose a session to send it to."), false);
    } else {
        setStatus(tr("Well-formed."), false);
    }
    updateSend();
}

void StanzaEditor::updateSend()
{
    m_send->setEnabled(m_valid && !m_sending && !currentSession().isEmpty());
}

bool StanzaEditor::send()
{
    if (m_sending || !isValid() || currentSession().isEmpty())
        return false;
    const QString sid = currentSession();
    const Monitor::Direction chosen = direction();
    if (!m_injector) {
        answered(sid, chosen, tr("the session refused the stanza"));
        return false;
    }
    m_sending = true;
    updateSend();
    setStatus(tr("Sending to session %1…").arg(sid), false);
    // The answer may come after this editor closed (it deletes itself on close).
    m_injector(sid, chosen, xml().trimmed().toUtf8(),
               [self = QPointer<StanzaEditor>(this), sid, chosen](const QString &error) {
                   if (self)
                       self->answered(sid, chosen, error);
               });
    return true;
}

void StanzaEditor::answered(const QString &sid, Monitor::Direction direction, const QString &error)
{
    m_sending = false;
    updateSend();
    if (!error.isEmpty()) {
        setStatus(tr("Not sent: %1").arg(error), true);
        Q_EMIT refused(sid, error);
        return;
    }
    setStatus(direction == Monitor::Direction::ToClient ? tr("Sent to the client of session %1.").arg(sid)
                                                        : tr("Sent to the server for session %1.").arg(sid),
              false);
    Q_EMIT injected(sid, direction);
}

void StanzaEditor::insertTemplate(int index)
{
    const QString text = m_templates->itemData(index).toString();
    m_templates->setCurrentIndex(0);
    if (text.isEmpty())
        return;
    setXml(text);
    m_editor->setFocus();
}

void StanzaEditor::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    QPalette palette = m_status->palette();
    palette.setColor(QPalette::WindowText, error ? QColor::fromString(QLatin1String("#c0392b"))
                                                 : this->palette().color(QPalette::WindowText));
    m_status->setPalette(palette);
}

} // namespace Switchboard::Gui
