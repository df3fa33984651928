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
    /// Sends `xml` into session `sid`; returns false and sets `error` when the session refused it.
    using Injector = std::function<bool(const QString &sid, Monitor::Direction direction,
                                        const QByteArray &xml, QString *error)>;

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

    /// Sends what is in the editor (what the Send button does). Returns whether it was sent.
    bool send();

Q_SIGNALS:
    /// A stanza went into a session.
    void injected(const QString &sid, Switchboard::Monitor::Direction direction);

private:
    void validate();
    void insertTemplate(int index);
    void setStatus(const QString &text, bool error);

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
};

} // namespace Switchboard::Gui
