// SPDX-License-Identifier: GPL-3.0-or-later
#include "server.h"

#include "bosh/boshendpoint.h"
#include "http/httpserver.h"
#include "xmpp/resolver.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcServer, "switchboard.server", QtInfoMsg)

namespace Switchboard {

struct Server::Private
{
    Config config;
    Monitor::Hub hub;
    std::unique_ptr<Xmpp::Resolver> resolver;
    std::unique_ptr<Http::HttpServer> http;
    std::unique_ptr<Bosh::BoshEndpoint> bosh;

    /// The BOSH path matches with and without its final '/'.
    bool isBoshPath(const QByteArray &path) const
    {
        const QByteArray configured = config.path.toUtf8();
        auto trimmed = [](QByteArray p) {
            while (p.size() > 1 && p.endsWith('/'))
                p.chop(1);
            return p;
        };
        return trimmed(path) == trimmed(configured);
    }
};

Server::Server(const Config &config, QObject *parent) : QObject(parent), d(std::make_unique<Private>())
{
    d->config = config;
    d->resolver = std::make_unique<Xmpp::Resolver>(d->config);
    d->bosh = std::make_unique<Bosh::BoshEndpoint>(d->config, d->resolver.get(), &d->hub);
    d->http = std::make_unique<Http::HttpServer>(d->config);
    d->http->setHandler([this](Http::Exchange *exchange) {
        const Http::Request &request = exchange->request();
        if (d->isBoshPath(request.path)) {
            d->bosh->handle(exchange);
            return;
        }
        exchange->respond(Http::Response::error(404));
    });
}

Server::~Server()
{
    // Sessions first: they talk to the resolver and the hub while closing.
    d->http.reset();
    d->bosh.reset();
}

bool Server::start(QString *error)
{
    QHostAddress address;
    if (!address.setAddress(d->config.host)) {
        if (d->config.host == QLatin1String("localhost"))
            address = QHostAddress::LocalHost;
        else if (d->config.host == QLatin1String("*") || d->config.host.isEmpty())
            address = QHostAddress::Any;
        else {
            if (error)
                *error = tr("Cannot listen on '%1': not an IP address").arg(d->config.host);
            return false;
        }
    }
    if (!d->http->listen(address, d->config.port)) {
        if (error)
            *error = tr("Cannot listen on %1:%2: %3")
                         .arg(d->config.host)
                         .arg(d->config.port)
                         .arg(d->http->errorString());
        return false;
    }
    qCInfo(lcServer).noquote() << "BOSH endpoint at" << boshUrl().toString();
    return true;
}

void Server::stop()
{
    d->http->close();
    d->bosh->terminateAll(Bosh::Condition::SystemShutdown);
}

bool Server::isListening() const
{
    return d->http->serverPort() != 0;
}

quint16 Server::port() const
{
    return d->http->serverPort();
}

QUrl Server::boshUrl() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    const QHostAddress address = d->http->serverAddress();
    url.setHost(address.isNull() || address == QHostAddress::Any || address == QHostAddress::AnyIPv6
                    ? QStringLiteral("localhost")
                    : address.toString());
    url.setPort(port());
    url.setPath(d->config.path);
    return url;
}

const Config &Server::config() const
{
    return d->config;
}

Monitor::Hub *Server::hub() const
{
    return &d->hub;
}

int Server::sessionCount() const
{
    return d->bosh->sessionCount();
}

} // namespace Switchboard
