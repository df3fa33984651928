// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "server.h"

#include <QDateTime>
#include <QLabel>
#include <QPlainTextEdit>
#include <QStatusBar>
#include <QVBoxLayout>

namespace Switchboard::Gui {

MainWindow::MainWindow(Server *server, QWidget *parent) : QMainWindow(parent), m_server(server)
{
    setWindowTitle(tr("Switchboard"));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    m_status = new QLabel(central);
    m_events = new QPlainTextEdit(central);
    m_events->setReadOnly(true);
    m_events->setMaximumBlockCount(2000); // bounded: a long run cannot eat memory
    layout->addWidget(m_status);
    layout->addWidget(m_events);
    setCentralWidget(central);
    resize(720, 420);

    const Monitor::Hub *hub = server->hub();
    connect(hub, &Monitor::Hub::sessionOpened, this, [this](const Monitor::SessionInfo &info) {
        log(tr("session %1 opened from %2 to %3").arg(info.sid, info.clientAddress.toString(), info.domain));
        updateStatus();
    });
    connect(hub, &Monitor::Hub::sessionClosed, this, [this](const QString &sid, const QString &condition) {
        log(tr("session %1 closed (%2)").arg(sid, condition));
        updateStatus();
    });
    updateStatus();
}

void MainWindow::updateStatus()
{
    m_status->setText(tr("BOSH endpoint: %1 — %n session(s)", nullptr, m_server->sessionCount())
                          .arg(m_server->boshUrl().toString()));
}

void MainWindow::log(const QString &line)
{
    m_events->appendPlainText(QDateTime::currentDateTime().toString(Qt::ISODate) + QLatin1Char(' ') + line);
}

} // namespace Switchboard::Gui
