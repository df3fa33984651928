// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>

class QLabel;
class QPlainTextEdit;

namespace Switchboard {
class Server;
}

namespace Switchboard::Gui {

/// The monitor window: fed only by the server hub's signals.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)
public:
    explicit MainWindow(Server *server, QWidget *parent = nullptr);

private:
    void updateStatus();
    void log(const QString &line);

    Server *m_server = nullptr;
    QLabel *m_status = nullptr;
    QPlainTextEdit *m_events = nullptr;
};

} // namespace Switchboard::Gui
