// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "monitor/hub.h"

#include <QDialog>
#include <QTimer>

#include <functional>

class QButtonGroup;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;

namespace Switchboard::Gui {

/// The workbench editor: write one stanza, pick a session and a direction, and send it into the
/// session. The XML is checked while typing (checkStanza()); Send is enabled only when it is one
/// well-formed element, so nothing broken reaches a session. Not modal (the event loop keeps serving
/// sessions while it is open).
class StanzaEditor final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StanzaEditor)
public:
    /// Called with the injector's answer: empty `error` when the stanza went in, else why not.
    using Answer = std::function<void(const QString &error)>;
    /// Sends `xml` into session `sid` and calls `answer` later, on this thread (Server::injectStanza():
    /// the session may live on another worker, and the editor never waits for one). An injector may
    /// also answer before it returns.
    using Injector = std::function<void(const QString &sid, Monitor::Direction direction,
                                        const QByteArray &xml, Answer answer)>;

    StanzaEditor(Injector injector, QWidget *parent = nullptr);

    /// The sessions one may choose from (id and a short description each); keeps the current choice
    /// when it is still there.
    void setSessions(const QList<QPair<QString, QString>> &sessions);
    void setCurrentSession(const QString &sid);
    QString currentSession() const;
    void setDirection(Monitor::Direction direction);
    Monitor::Direction direction() const;
    void setXml(const QString &xml);
    QString xml() const;
    /// Whether the text is acceptable right now (after the pending check has run).
    bool isValid();
    /// The last outcome shown under the editor (validation problem, "sent", or the session's error).
    QString statusText() const;

    /// Sends what is in the editor (what the Send button does). Returns whether it was handed to the
    /// injector; injected() or refused() follows with the session's answer, and Send stays disabled
    /// until then.
    bool send();
    /// A stanza handed to the injector has no answer yet.
    bool isSending() const { return m_sending; }

Q_SIGNALS:
    /// A stanza went into a session (the injector's answer; statusText() says so).
    void injected(const QString &sid, Switchboard::Monitor::Direction direction);
    /// The session did not take the stanza (the injector's answer; statusText() says why).
    void refused(const QString &sid, const QString &error);

private:
    void validate();
    void insertTemplate(int index);
    void setStatus(const QString &text, bool error);
    void answered(const QString &sid, Monitor::Direction direction, const QString &error);
    void updateSend();

    Injector m_injector;
    QComboBox *m_session = nullptr;
    QRadioButton *m_toClient = nullptr;
    QRadioButton *m_toServer = nullptr;
    QComboBox *m_templates = nullptr;
    QPlainTextEdit *m_editor = nullptr;
    QLabel *m_status = nullptr;
    QPushButton *m_send = nullptr;
    QTimer m_checkTimer;
    bool m_valid = false;
    bool m_sending = false;
};

} // namespace Switchboard::Gui
