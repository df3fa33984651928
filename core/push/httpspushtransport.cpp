// SPDX-License-Identifier: GPL-3.0-or-later
#include "push/httpspushtransport.h"

#include <QHostInfo>
#include <QLoggingCategory>
#include <QPointer>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTimer>

Q_LOGGING_CATEGORY(lcPush, "switchboard.push", QtWarningMsg)

namespace Switchboard::Push {

/// One request: resolve, connect to each allowed address in turn, TLS, write, read the status line.
class HttpsPushTransport::Attempt final : public QObject
{
public:
    Attempt(HttpsPushTransport *transport, PushRequest request,
            std::function<void(const TransportResult &)> done)
        : QObject(transport), m_transport(transport), m_request(std::move(request)), m_done(std::move(done))
    {
        m_host = m_request.url.host();
        m_port = quint16(m_request.url.port(443));
        m_deadline.setSingleShot(true);
        connect(&m_deadline, &QTimer::timeout, this, [this] {
            finish({0, false, QStringLiteral("timed out")});
        });
        m_deadline.start(transport->m_timeout);
    }

    ~Attempt() override
    {
        if (m_lookupId >= 0)
            QHostInfo::abortHostLookup(m_lookupId);
    }

    void start()
    {
        QString reason;
        if (!m_transport->m_policy.checkUrl(m_request.url, &reason)) {
            // Queued: PushTransport promises never to call back from inside send().
            QMetaObject::invokeMethod(
                this,
                [this, reason] {
                    finish({0, true, reason});
                },
                Qt::QueuedConnection);
            return;
        }
        QHostAddress literal;
        if (literal.setAddress(m_host)) {
            QMetaObject::invokeMethod(
                this, [this, literal] { resolved({literal}); }, Qt::QueuedConnection);
            return;
        }
        m_lookupId = QHostInfo::lookupHost(m_host, this, [this](const QHostInfo &info) {
            m_lookupId = -1;
            if (info.error() != QHostInfo::NoError) {
                finish({0, false, QStringLiteral("cannot resolve %1: %2").arg(m_host, info.errorString())});
                return;
            }
            resolved(info.addresses());
        });
    }

private:
    void resolved(const QList<QHostAddress> &addresses)
    {
        // Checked after resolution: only addresses the policy allows are tried.
        for (const QHostAddress &address : addresses) {
            if (m_transport->m_policy.allowsAddress(m_host, m_port, address))
                m_addresses.append(address);
            else
                qCInfo(lcPush) << "push target" << m_host << "resolves to refused address"
                               << address.toString();
        }
        if (m_addresses.isEmpty()) {
            finish({0, true, QStringLiteral("%1 resolves to no public address").arg(m_host)});
            return;
        }
        connectNext();
    }

    void connectNext()
    {
        if (m_next >= m_addresses.size()) {
            finish({0, false, m_lastError.isEmpty() ? QStringLiteral("cannot connect") : m_lastError});
            return;
        }
        dropSocket();
        const QHostAddress address = m_addresses.at(m_next++);
        m_socket = new QSslSocket(this);
        QSslConfiguration tls = m_socket->sslConfiguration();
        tls.setProtocol(QSsl::TlsV1_2OrLater);
        if (!m_transport->m_extraCas.isEmpty())
            tls.addCaCertificates(m_transport->m_extraCas);
        tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
        m_socket->setSslConfiguration(tls);
        // The certificate must name the URL's host, not the address connected to.
        m_socket->setPeerVerifyName(m_host);
        connect(m_socket, &QAbstractSocket::connected, this, [this] {
            // Checked again on the socket itself, before a byte is sent.
            if (!m_transport->m_policy.allowsAddress(m_host, m_port, m_socket->peerAddress())) {
                finish({0, true,
                        QStringLiteral("connected to refused address %1")
                            .arg(m_socket->peerAddress().toString())});
                return;
            }
            m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            m_socket->startClientEncryption();
        });
        connect(m_socket, &QSslSocket::encrypted, this, [this] { m_socket->write(requestBytes()); });
        connect(m_socket, &QIODevice::readyRead, this, [this] { readStatus(); });
        connect(m_socket, &QAbstractSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
            m_lastError = m_socket->errorString();
            if (m_socket->isEncrypted() || m_socket->mode() == QSslSocket::SslClientMode) {
                // TLS failed or the peer dropped us mid-request: do not try other addresses.
                finish({0, false, m_lastError});
                return;
            }
            connectNext();
        });
        m_socket->connectToHost(address, m_port);
    }

    QByteArray requestBytes() const
    {
        QByteArray path = m_request.url.path(QUrl::FullyEncoded).toLatin1();
        if (path.isEmpty())
            path = "/";
        if (m_request.url.hasQuery())
            path += '?' + m_request.url.query(QUrl::FullyEncoded).toLatin1();
        QByteArray host = m_request.url.host(QUrl::FullyEncoded).toLatin1();
        if (host.contains(':'))
            host = '[' + host + ']';
        if (m_request.url.port() != -1 && m_request.url.port() != 443)
            host += ':' + QByteArray::number(m_request.url.port());
        QByteArray out = "POST " + path + " HTTP/1.1\r\nHost: " + host +
                         "\r\nContent-Length: " + QByteArray::number(m_request.body.size()) +
                         "\r\nConnection: close\r\nUser-Agent: Switchboard/" SWITCHBOARD_VERSION "\r\n";
        for (const auto &[name, value] : m_request.headers)
            out += name + ": " + value + "\r\n";
        out += "\r\n" + m_request.body;
        return out;
    }

    void readStatus()
    {
        m_head += m_socket->read(MaxResponseHead - m_head.size());
        for (;;) {
            const qsizetype end = m_head.indexOf("\r\n");
            if (end < 0) {
                if (m_head.size() >= MaxResponseHead)
                    finish({0, false, QStringLiteral("response head too large")});
                return;
            }
            // RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]
            const QByteArray line = m_head.left(end);
            int status = 0;
            if (line.startsWith("HTTP/1.") && line.size() >= 12 && line[8] == ' ') {
                bool ok = false;
                status = line.mid(9, 3).toInt(&ok);
                if (!ok || status < 100 || status > 599)
                    status = 0;
            }
            if (status == 0) {
                finish({0, false, QStringLiteral("not an HTTP response")});
                return;
            }
            if (status >= 200) {
                finish({status, false, {}});
                return;
            }
            // RFC 9110 §15.2: an interim 1xx response precedes the final one; skip its head.
            const qsizetype headEnd = m_head.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                if (m_head.size() >= MaxResponseHead)
                    finish({0, false, QStringLiteral("response head too large")});
                return;
            }
            m_head.remove(0, headEnd + 4);
        }
    }

    void dropSocket()
    {
        if (!m_socket)
            return;
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }

    void finish(const TransportResult &result)
    {
        if (m_finished)
            return;
        m_finished = true;
        m_deadline.stop();
        dropSocket();
        if (m_lookupId >= 0) {
            QHostInfo::abortHostLookup(m_lookupId);
            m_lookupId = -1;
        }
        // Deleted after the callback, from the event loop: finish() may run inside a socket signal.
        auto done = std::move(m_done);
        deleteLater();
        if (done)
            done(result);
    }

    HttpsPushTransport *m_transport;
    PushRequest m_request;
    std::function<void(const TransportResult &)> m_done;
    QString m_host;
    quint16 m_port = 443;
    QTimer m_deadline;
    int m_lookupId = -1;
    QList<QHostAddress> m_addresses;
    qsizetype m_next = 0;
    QSslSocket *m_socket = nullptr;
    QString m_lastError;
    QByteArray m_head;
    bool m_finished = false;
};

HttpsPushTransport::HttpsPushTransport(TargetPolicy policy, QList<QSslCertificate> extraCas,
                                       std::chrono::milliseconds timeout, QObject *parent)
    : QObject(parent), m_policy(std::move(policy)), m_extraCas(std::move(extraCas)), m_timeout(timeout)
{}

HttpsPushTransport::~HttpsPushTransport() = default;

void HttpsPushTransport::send(const PushRequest &request, std::function<void(const TransportResult &)> done)
{
    ++m_pending;
    auto *attempt = new Attempt(this, request, [this, done = std::move(done)](const TransportResult &result) {
        --m_pending;
        done(result);
    });
    attempt->start();
}

int HttpsPushTransport::pending() const
{
    return m_pending;
}

} // namespace Switchboard::Push
