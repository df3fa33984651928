// SPDX-License-Identifier: GPL-3.0-or-later
#include "server.h"

#include "adminapi.h"
#include "base/epolldispatcher.h"
#include "base/heaptrimmer.h"
#include "base/limits.h"
#include "base/plainsocket.h"
#include "base/tsanhandover.h"
#include "bosh/boshendpoint.h"
#include "bosh/endedsessions.h"
#include "http/acceptor.h"
#include "http/exchangerelay.h"
#include "http/httpserver.h"
#include "monitor/problemlog.h"
#include "monitor/registry.h"
#include "monitor/statuspage.h"
#include "monitor/trafficrecorder.h"
#include "rest/restendpoint.h"
#include "stream/clientstream.h"
#include "stream/streamdirectory.h"
#include "stream/streamregistry.h"
#include "websocket/framing.h"
#include "websocket/websocketfront.h"
#include "worker.h"
#include "xmpp/expatpool.h"
#include "xmpp/resolver.h"
#include "xmpp/serverlink.h"
#include "xmpp/singlestanza.h"
#include "xmpp/xmlescape.h"

#include <QAbstractEventDispatcher>
#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <QLoggingCategory>

#include <openssl/crypto.h>

#include <algorithm>
#include <atomic>

Q_LOGGING_CATEGORY(lcServer, "switchboard.server", QtInfoMsg)

namespace Switchboard {

struct Server::Private
{
    Config config;
    QByteArray boshPath; ///< config.path in UTF-8 without its final '/' (isBoshPath(), every request)
    Monitor::Hub hub;
    // Declared after the hub, so destroyed before it; they only listen to it.
    std::unique_ptr<Monitor::Registry> registry;
    std::unique_ptr<Monitor::TrafficRecorder> traffic;
    std::unique_ptr<Monitor::ProblemLog> problems;
    std::unique_ptr<Monitor::StatusPage> status;
    std::unique_ptr<AdminApi> admin; ///< /admin/ (docs/ADMIN.md); answered on this Server's thread
    HeapTrimmer heapTrimmer;         ///< gives freed heap back to the kernel after many sessions ended
    std::unique_ptr<Limits> limits;
    /// Which worker owns each stream (only with more than one worker).
    std::unique_ptr<Stream::StreamDirectory> directory;
    /// BOSH sessions' ends kept for their late requests, shared by the workers (outlives them: made
    /// before them, destroyed after).
    Bosh::EndedSessions endedBosh;
    /// The event loops serving connections (docs/ARCHITECTURE.md, "Threads"): worker 0 on this thread,
    /// each other on a QThread of its own (null for worker 0), made and destroyed there.
    struct WorkerSlot
    {
        QThread *thread = nullptr;
        QObject *anchor = nullptr; ///< an object of the thread, to run calls there (null for worker 0)
        Worker *worker = nullptr;
    };
    QList<WorkerSlot> workers;
    Worker *main() const { return workers.first().worker; }
    /// With worker_accept = acceptor and several workers: worker 0's listeners hand every connection
    /// to the worker with the fewest open connections (this thread's).
    std::unique_ptr<Http::Acceptor> acceptor;
    bool oneAcceptor() const { return acceptor != nullptr; }
    /// Worker 0's (this thread's): the REST gateway, its operator calls and the REST sessions.
    Xmpp::Resolver *resolver = nullptr;
    Stream::StreamRegistry *streams = nullptr;
    Http::HttpServer *http = nullptr;
    std::unique_ptr<Rest::RestEndpoint> rest;
    /// Parent of the REST requests relayed here from other workers (Http::relayExchange()); destroyed
    /// after the other workers and before `rest`.
    std::unique_ptr<QObject> restRelays = std::make_unique<QObject>();
    QHostAddress address;
    QSslConfiguration tls; ///< the certificate every worker's TLS listener uses
    // Read by every worker's /healthz.
    std::atomic<bool> draining = false;
    std::atomic<bool> shuttingDown = false;
    bool shutdownDone = false;
    QTimer shutdownFlush; ///< after the streams: a last look at HTTP answers still being written
    QTimer shutdownDeadline;

    /// The certificate chain and key from the configured files, TLS 1.2 or later.
    bool loadTls(QSslConfiguration *tls, QString *error) const
    {
        QFile certFile(config.tlsCertFile);
        QFile keyFile(config.tlsKeyFile);
        if (!certFile.open(QIODevice::ReadOnly)) {
            *error = config.tlsCertFile + QStringLiteral(": ") + certFile.errorString();
            return false;
        }
        if (!keyFile.open(QIODevice::ReadOnly)) {
            *error = config.tlsKeyFile + QStringLiteral(": ") + keyFile.errorString();
            return false;
        }
        const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
        if (chain.isEmpty() || chain.first().isNull()) {
            *error = config.tlsCertFile + QStringLiteral(": no PEM certificate");
            return false;
        }
        const QByteArray keyData = keyFile.readAll();
        QSslKey key(keyData, QSsl::Rsa, QSsl::Pem);
        if (key.isNull())
            key = QSslKey(keyData, QSsl::Ec, QSsl::Pem);
        if (key.isNull()) {
            *error = config.tlsKeyFile + QStringLiteral(": no unencrypted PEM RSA or EC private key");
            return false;
        }
        QSslConfiguration result = QSslConfiguration::defaultConfiguration();
        result.setLocalCertificateChain(chain);
        result.setPrivateKey(key);
        result.setProtocol(QSsl::TlsV1_2OrLater);
        result.setPeerVerifyMode(QSslSocket::VerifyNone); // clients authenticate with SASL, not certificates
        *tls = result;
        return true;
    }

    /// Runs `call` on `worker`'s thread and returns when it has run: at once for worker 0, else through
    /// a blocking queued call (a worker never waits for this thread, so this cannot deadlock). Only for
    /// start-up: terminate, inject, the fault and breakpoint calls, a count or shutdown must not hold
    /// this thread (the window's) up behind a busy worker; those use postTo() or read atomics.
    template <typename Call> static void runOn(const WorkerSlot &slot, Call call)
    {
        if (!slot.thread)
            call(slot.worker);
        else
            TsanHandover::callBlocking(slot.anchor, [&] { call(slot.worker); });
    }
    /// Runs `call` on `slot`'s worker: at once for worker 0, else posted to its thread (queued).
    template <typename Call> static void postTo(const WorkerSlot &slot, Call call)
    {
        if (!slot.thread)
            call(slot.worker);
        else
            TsanHandover::post(slot.anchor, [call, worker = slot.worker] { call(worker); });
    }
    /// Posts `call` to every worker (queued for the others, at once for worker 0).
    template <typename Call> void postToAll(Call call) const
    {
        for (const WorkerSlot &slot : workers)
            postTo(slot, call);
    }

    /// Runs `ask` (Worker * → bool) on every worker (postTo()) and then `then(all)` on `home`'s thread,
    /// once every worker has answered, `all` saying whether every answer was true. Each answer is posted
    /// back, always queued: nothing here waits for a worker, and `then` runs after this returns.
    template <typename Ask, typename Then> void askEveryWorker(QObject *home, Ask ask, Then then) const
    {
        // Counted on `home`'s thread only.
        struct Gathered
        {
            qsizetype left;
            bool all;
            Then then;
        };
        auto gathered = std::make_shared<Gathered>(Gathered{workers.size(), true, std::move(then)});
        postToAll([home, ask, gathered](Worker *worker) {
            const bool yes = ask(worker);
            TsanHandover::post(home, [gathered, yes] {
                gathered->all = gathered->all && yes;
                if (--gathered->left == 0)
                    gathered->then(gathered->all);
            });
        });
    }

    /// `done`, made callable from any thread, with a deadline: each call posts its value to `home` (the
    /// Server), always queued, so that a caller sees one behaviour whichever worker answers. Only the
    /// first value reaches `done`: the worker's, or `late` once SessionAnswer::kDeadlineMs passed
    /// without it (a busy worker never keeps an operator waiting without bound); `done` runs on `home`'s
    /// thread while `context` lives. Made on `home`'s thread, which alone touches Pending's members.
    template <typename Value>
    static auto answerTo(QObject *home, const QObject *context, std::function<void(const Value &)> done,
                         Value late)
    {
        struct Pending
        {
            QPointer<const QObject> context;
            std::function<void(const Value &)> done;
            QPointer<QTimer> deadline; ///< a child of `home`, gone with the first answer
            bool answered = false;

            void answer(const Value &value)
            {
                if (answered)
                    return; // the worker's, after the deadline answered for it
                answered = true;
                if (deadline) {
                    deadline->stop();
                    deadline->deleteLater();
                }
                if (context && done)
                    done(value);
            }
        };
        Q_ASSERT(QThread::currentThread() == home->thread());
        auto pending = std::make_shared<Pending>(Pending{context, std::move(done), nullptr});
        auto *deadline = new QTimer(home);
        deadline->setSingleShot(true);
        QObject::connect(deadline, &QTimer::timeout, deadline,
                         [pending, late = std::move(late)] { pending->answer(late); });
        deadline->start(SessionAnswer::kDeadlineMs);
        pending->deadline = deadline;
        return [home, pending](const Value &value) {
            TsanHandover::post(home, [pending, value] { pending->answer(value); });
        };
    }

    /// answerTo() for a session's answer: NoAnswer at the deadline.
    static auto answerSessionTo(QObject *home, const QObject *context, SessionDone done)
    {
        SessionAnswer late;
        late.outcome = SessionAnswer::Outcome::NoAnswer;
        late.error = Server::tr("the session's worker did not answer within %1 s (busy); the call may still "
                                "take effect")
                         .arg(SessionAnswer::kDeadlineMs / 1000);
        return answerTo(home, context, std::move(done), std::move(late));
    }

    /// Runs `call` (ClientStream * → SessionAnswer) on the worker of session `id`, posted there (a
    /// queued call; at once for worker 0), and answers `done` on `home`'s thread (answerSessionTo()). A
    /// session that worker does not have is answered NoSession without `call`.
    template <typename Call>
    void askSession(QObject *home, const QString &id, const QObject *context, SessionDone done,
                    Call call) const
    {
        postTo(ownerOf(id),
               [answer = answerSessionTo(home, context, std::move(done)), id, call](Worker *worker) {
                   Stream::ClientStream *stream = worker->streams()->find(id);
                   if (!stream) {
                       SessionAnswer missing;
                       missing.error = Server::tr("no session %1").arg(id);
                       answer(missing);
                       return;
                   }
                   answer(call(stream));
               });
    }

    /// The worker that owns stream `id` (worker 0 when unknown: it answers "no such session").
    const WorkerSlot &ownerOf(const QString &id) const
    {
        const int owner = directory ? directory->owner(id) : 0;
        return workers.at(owner >= 0 && owner < workers.size() ? owner : 0);
    }

    /// A look at whether every worker is quiet (Worker::isQuiet()) is under way during shutdown(): one
    /// at a time (askEveryWorker(), so this thread, the window's, never waits for a busy worker).
    bool quietLookUnderWay = false;

    /// GET /healthz, for a load balancer's health check (docs/SCALING.md): 200 while this node takes new
    /// sessions, 503 while it drains or shuts down, so the balancer sends new sessions elsewhere while
    /// the sessions already here carry on. Any Host, no token: it says nothing a balancer may not know.
    Http::Response health(const Http::Request &request) const
    {
        if (request.method != "GET" && request.method != "HEAD") {
            Http::Response refusal = Http::Response::error(405);
            refusal.headers.append({QByteArrayLiteral("Allow"), QByteArrayLiteral("GET, HEAD")});
            return refusal;
        }
        const bool accepting = !draining && !shuttingDown;
        Http::Response response;
        response.status = accepting ? 200 : 503;
        response.contentType = QByteArrayLiteral("text/plain; charset=utf-8");
        response.body = accepting      ? QByteArrayLiteral("ok\n")
                        : shuttingDown ? QByteArrayLiteral("shutting down\n")
                                       : QByteArrayLiteral("draining\n");
        response.headers.append({QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")});
        return response;
    }

    /// The BOSH path matches with and without its final '/'.
    bool isBoshPath(const QByteArray &path) const { return withoutFinalSlashes(path) == boshPath; }
    /// A view: the comparisons of every request allocate nothing.
    static QByteArrayView withoutFinalSlashes(QByteArrayView path)
    {
        while (path.size() > 1 && path.endsWith('/'))
            path.chop(1);
        return path;
    }

    /// The monitor answers only requests that name this server: `localhost`, the address the client
    /// reached, or the host of public_url. Any other name is what DNS rebinding looks like: a page
    /// whose name an attacker points at this address would read the monitor as its own origin.
    bool monitorHostAllowed(const Http::Request &request) const
    {
        QByteArray host;
        if (!Http::splitHost(request.header("host"), &host, nullptr))
            return false;
        if (host == "localhost")
            return true;
        const QByteArray publicHost = QUrl(config.publicUrl).host().toLower().toUtf8();
        if (!publicHost.isEmpty() && host == publicHost)
            return true;
        if (host.startsWith('['))
            host = host.sliced(1, host.size() - 2);
        QHostAddress named;
        return named.setAddress(QString::fromLatin1(host)) &&
               named.isEqual(request.localAddress, QHostAddress::TolerantConversion);
    }

    /// The public base URL of this server: the configured one, else what the client called us by
    /// (`authority`, a Host header value already checked by Http::splitHost) with the scheme of the
    /// listener it came to (`secure`: the TLS one).
    QString baseUrl(const QByteArray &authority, bool secure, bool webSocket) const
    {
        QString base = config.publicUrl;
        if (base.isEmpty())
            base = (secure ? QStringLiteral("https://") : QStringLiteral("http://")) +
                   QString::fromLatin1(authority);
        while (base.endsWith(QLatin1Char('/')))
            base.chop(1);
        if (webSocket) {
            if (base.startsWith(QLatin1String("https://")))
                base.replace(0, 5, QStringLiteral("wss"));
            else if (base.startsWith(QLatin1String("http://")))
                base.replace(0, 4, QStringLiteral("ws"));
        }
        return base;
    }

    /// XEP-0156 discovery: host-meta in XRD and JSON, naming both endpoints.
    Http::Response hostMeta(const Http::Request &request, bool json) const
    {
        // Without public_url the links repeat the Host header: only host[:port] (RFC 9110 §7.2) may
        // get into them.
        QByteArray authority = QByteArrayLiteral("localhost");
        if (request.hasHeader("host")) {
            QByteArray host;
            int port = -1;
            if (!Http::splitHost(request.header("host"), &host, &port))
                return Http::Response::error(400, "bad Host header");
            authority = port < 0 ? host : host + ':' + QByteArray::number(port);
        }
        const QString bosh = baseUrl(authority, request.secure, false) + config.path;
        const QString ws = baseUrl(authority, request.secure, true) + config.wsPath;
        Http::Response response;
        response.headers.append({QByteArrayLiteral("Access-Control-Allow-Origin"), QByteArrayLiteral("*")});
        if (json) {
            const QJsonArray links{
                QJsonObject{{QStringLiteral("rel"), QStringLiteral("urn:xmpp:alt-connections:xbosh")},
                            {QStringLiteral("href"), bosh}},
                QJsonObject{{QStringLiteral("rel"), QStringLiteral("urn:xmpp:alt-connections:websocket")},
                            {QStringLiteral("href"), ws}}};
            response.contentType = QByteArrayLiteral("application/json");
            response.body = QJsonDocument(QJsonObject{{QStringLiteral("links"), links}}).toJson();
            return response;
        }
        response.contentType = QByteArrayLiteral("application/xrd+xml; charset=utf-8");
        response.body = "<?xml version='1.0' encoding='utf-8'?>\n"
                        "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>\n"
                        "  <Link rel='urn:xmpp:alt-connections:xbosh' href='" +
                        Xmpp::xmlEscaped(bosh) +
                        "'/>\n"
                        "  <Link rel='urn:xmpp:alt-connections:websocket' href='" +
                        Xmpp::xmlEscaped(ws) + "'/>\n</XRD>\n";
        return response;
    }
};

Server::Server(const Config &config, QObject *parent) : QObject(parent), d(std::make_unique<Private>())
{
    // Before any worker exists: ThreadSanitizer builds see Qt's hand-overs from here on (nothing
    // elsewhere).
    TsanHandover::install();
    d->config = config;
    const QByteArray boshPath = config.path.toUtf8();
    d->boshPath = Private::withoutFinalSlashes(boshPath).toByteArray();
    d->registry = std::make_unique<Monitor::Registry>(&d->hub);
    d->traffic = std::make_unique<Monitor::TrafficRecorder>(&d->hub);
    d->traffic->setCapacity(d->config.trafficCapacity);
    d->traffic->setShowSecrets(d->config.showSecrets);
    d->status =
        std::make_unique<Monitor::StatusPage>(d->registry.get(), d->config.statusPath, d->config.statusToken);
    d->status->setTrafficInfo([this] { return qMakePair(d->traffic->count(), d->traffic->capacity()); });
    // The admin API's calls are the window's, answered on this thread while this Server lives.
    d->admin = std::make_unique<AdminApi>(
        d->config.adminToken,
        AdminApi::Operations{
            [this](const QString &id, const Stream::FaultRequest &request, SessionDone done) {
                applyFault(id, request, this, std::move(done));
            },
            [this](const QString &id, SessionDone done) { clearFaults(id, this, std::move(done)); },
            [this](const QString &id, SessionDone done) { faultState(id, this, std::move(done)); },
            [this](const QString &id, const Stream::BreakpointFilter &filter, SessionDone done) {
                setBreakpoint(id, filter, this, std::move(done));
            },
            [this](const QString &id, SessionDone done) { clearBreakpoint(id, this, std::move(done)); },
            [this](const QString &id, SessionDone done) { breakpointState(id, this, std::move(done)); },
            [this](const std::optional<Stream::BreakpointFilter> &filter, std::function<void(bool)> done) {
                setBreakpointForAll(filter, this, std::move(done));
            },
            [this] { return breakpointForAll(); },
            [this](const QString &id, int heldId, Stream::Breakpoints::Action action, const QByteArray &xml,
                   SessionDone done) { actOnHeld(id, heldId, action, xml, this, std::move(done)); }});
    d->problems = std::make_unique<Monitor::ProblemLog>(&d->hub, d->traffic.get());
    d->problems->setEnabled(d->config.lint);
    d->status->setProblems(d->problems.get());
    connect(&d->hub, &Monitor::Hub::sessionOpened, &d->heapTrimmer, &HeapTrimmer::sessionOpened);
    connect(&d->hub, &Monitor::Hub::sessionClosed, &d->heapTrimmer, &HeapTrimmer::sessionClosed);
    connect(&d->heapTrimmer, &HeapTrimmer::aboutToTrim, d->registry.get(), &Monitor::Registry::compact);
    // Every worker keeps parsers of its own (per thread).
    connect(&d->heapTrimmer, &HeapTrimmer::aboutToTrim, this,
            [this] { d->postToAll([](Worker *) { Xmpp::releaseIdleParsers(); }); });
    d->limits = std::make_unique<Limits>(d->config);
    // Refusals reach the monitor as hub signals, like everything else it shows.
    QStringList limitKeys;
    for (const Limits::Limit limit : Limits::all())
        limitKeys.append(Limits::key(limit));
    if (d->config.proxyProtocol)
        limitKeys.append(QStringLiteral("proxy_protocol"));
    d->registry->setKnownLimits(limitKeys);
    connect(d->limits.get(), &Limits::exceeded, &d->hub,
            [hub = &d->hub](Limits::Limit limit, const QHostAddress &peer) {
                Q_EMIT hub->limitRefused(Limits::key(limit), peer);
            });
    // The workers (docs/ARCHITECTURE.md, "Threads"): worker 0 here, the others each on a thread of
    // its own, with an event dispatcher of the kind this thread runs (epoll when headless).
    const int workerCount = d->config.workers > 0 ? d->config.workers : qMax(1, QThread::idealThreadCount());
    if (workerCount > 1)
        d->directory = std::make_unique<Stream::StreamDirectory>();
    Worker::Shared shared;
    shared.config = &d->config;
    shared.limits = d->limits.get();
    shared.directory = d->directory.get();
    shared.endedBosh = &d->endedBosh;
    shared.serverHub = &d->hub;
    const bool epoll = dynamic_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance()) != nullptr;
    for (int i = 0; i < workerCount; ++i) {
        Private::WorkerSlot slot;
        if (i == 0) {
            slot.worker = new Worker(0, shared);
        } else {
            slot.thread = new QThread;
            slot.thread->setObjectName(QStringLiteral("worker %1").arg(i));
            if (epoll)
                slot.thread->setEventDispatcher(new EpollEventDispatcher);
            // OpenSSL keeps state per thread (its error queue, its random generators) and frees it
            // from a thread-exit handler, which runs after QThread::wait() has returned (Qt's threads
            // are detached): a process that exits right after ~Server() could end before it, with that
            // state of the worker's TLS connections unfreed (LeakSanitizer reported about 10 KiB).
            // Freed on the thread itself, from the last signal it emits before wait() returns.
            connect(
                slot.thread, &QThread::finished, slot.thread, [] { OPENSSL_thread_stop(); },
                Qt::DirectConnection);
            slot.thread->start();
            // Made on its thread, so that its objects and timers live there.
            slot.anchor = new QObject;
            slot.anchor->moveToThread(slot.thread);
            TsanHandover::callBlocking(slot.anchor,
                                       [&slot, i, &shared] { slot.worker = new Worker(i, shared); });
        }
        installHandlers(slot.worker);
        d->workers.append(slot);
    }
    QList<Worker *> peers;
    for (const Private::WorkerSlot &slot : std::as_const(d->workers))
        peers.append(slot.worker);
    for (const Private::WorkerSlot &slot : std::as_const(d->workers))
        Private::runOn(slot, [&peers](Worker *worker) { worker->setPeers(peers); });
    d->resolver = d->main()->resolver();
    d->streams = d->main()->streams();
    d->http = d->main()->http();
    // Each worker's thread cache and dispatcher are its own: the trim's passes reach them there.
    for (const Private::WorkerSlot &slot : std::as_const(d->workers)) {
        if (slot.anchor)
            d->heapTrimmer.addThread(slot.anchor);
    }
    if (workerCount > 1 && d->config.workerAccept == QLatin1String("acceptor")) {
        QList<Http::HttpServer *> servers;
        for (const Private::WorkerSlot &slot : std::as_const(d->workers))
            servers.append(slot.worker->http());
        d->acceptor = std::make_unique<Http::Acceptor>(servers);
        d->http->setHandoff([acceptor = d->acceptor.get()](qintptr descriptor, bool tls) {
            acceptor->handOff(descriptor, tls);
        });
    }
    // Server links of ended sessions close on their own (a drain ping, the close handshake): their
    // sockets and buffers are freed when they are gone, so a trim waits for them.
    d->heapTrimmer.setSettling([this] {
        return std::any_of(d->workers.cbegin(), d->workers.cend(),
                           [](const Private::WorkerSlot &slot) { return slot.worker->closingLinks() > 0; });
    });
    d->rest = std::make_unique<Rest::RestEndpoint>(d->config, d->resolver, &d->hub, d->streams);
    d->rest->setLimits(d->limits.get());
    // Shutdown is done when the last stream and server link are gone (the registries say so) and the
    // answers written meanwhile have left their sockets (looked at again until they have).
    d->shutdownFlush.setInterval(20);
    connect(&d->shutdownFlush, &QTimer::timeout, this, [this] { finishShutdownWhenQuiet(); });
    for (const Private::WorkerSlot &slot : std::as_const(d->workers))
        connect(slot.worker->streams(), &Stream::StreamRegistry::idle, this,
                [this] { finishShutdownWhenQuiet(); });
    d->shutdownDeadline.setSingleShot(true);
    connect(&d->shutdownDeadline, &QTimer::timeout, this, [this] {
        d->shutdownFlush.stop();
        d->shutdownDone = true;
        qCWarning(lcServer) << "shutdown deadline of" << d->config.shutdownTimeout
                            << "s passed; leaving anyway";
        Q_EMIT shutdownFinished(false);
    });
}

namespace {

/// Answers `exchange` with `response` on `worker`'s thread, which owns it (queued); nothing when the
/// client went meanwhile. Only that thread reads the QPointer.
void respondOn(QObject *worker, QPointer<Http::Exchange> exchange, Http::Response response)
{
    TsanHandover::post(worker, [exchange, response = std::move(response)]() mutable {
        if (exchange)
            exchange->respond(std::move(response));
    });
}

/// Runs `answer` on `home`'s thread (the Server's, where the registry and the admin API live) and
/// responds with its result on `worker`'s thread, which owns `exchange`; nothing when the client went
/// meanwhile. Both hops are queued: neither thread waits for the other.
template <typename Answer>
void answerFromHome(QObject *home, QObject *worker, Http::Exchange *exchange, Answer answer)
{
    TsanHandover::post(home,
                       [answer = std::move(answer), worker, exchange = QPointer<Http::Exchange>(exchange)] {
                           respondOn(worker, exchange, answer());
                       });
}

/// The admin API's Reply for `exchange`, called once on the Server's thread (the operations answer
/// every call, at SessionAnswer::kDeadlineMs at the latest): the exchange is answered on its worker's
/// thread (queued: it keeps pipelined answers in request order) unless the client went meanwhile.
AdminApi::Reply adminReply(QObject *worker, QPointer<Http::Exchange> exchange)
{
    return [worker, exchange](Http::Response response) { respondOn(worker, exchange, std::move(response)); };
}

} // namespace

void Server::installHandlers(Worker *worker)
{
    Http::HttpServer *http = worker->http();
    // Connections closed for their PROXY header (none, malformed, too slow, or not from a trusted
    // proxy) are counted with the refusals, under the key that asks for the header.
    connect(http, &Http::HttpServer::proxyHeaderRefused, &d->hub,
            [hub = &d->hub](const QHostAddress &peer, const QByteArray &) {
                Q_EMIT hub->limitRefused(QStringLiteral("proxy_protocol"), peer);
            });
    // The monitor is for the operator, never for other origins (docs/SECURITY.md).
    http->setCorsPolicy(
        [this](const QByteArray &path) { return !d->status->matches(path) && !AdminApi::matches(path); });
    // The REST API takes PUT and DELETE too (a browser asks before it sends them cross-origin).
    http->setPreflightMethods([this](const QByteArray &path) {
        return d->rest->matches(path) ? QByteArrayLiteral("GET, POST, PUT, DELETE, OPTIONS") : QByteArray();
    });
    WebSocket::WebSocketFront *websocket = worker->websocket();
    http->setUpgradeHandler(
        [websocket](Http::Transport socket, const QByteArray &received, const Http::Request &head) {
            return websocket->handleUpgrade(socket, received, head);
        });
    // Called on the worker's thread: everything it touches is the worker's, const, or posted to this
    // thread (the status page, the REST gateway).
    http->setHandler([this, worker](Http::Exchange *exchange) {
        const Http::Request &request = exchange->request();
        if (d->isBoshPath(request.path)) {
            worker->hub()->countRequest();
            worker->bosh()->handle(exchange);
            return;
        }
        if (d->rest->matches(request.path)) {
            // The REST gateway (docs/REST.md) and its sessions live on worker 0 (this Server's thread);
            // a request on another worker's connection is relayed there and answered back here.
            if (worker->index() == 0) {
                d->rest->handle(exchange);
                return;
            }
            Http::relayExchange(exchange, worker, d->restRelays.get(), [this](Http::Exchange *relayed) {
                d->hub.countRelayed();
                d->rest->handle(relayed);
            });
            return;
        }
        if (d->status->matches(request.path)) {
            // The headless monitor: status page, its JSON and /metrics (docs/MONITORING.md).
            if (!d->monitorHostAllowed(request)) {
                // RFC 9110 §15.5.20: not a name this server answers the monitor for.
                exchange->respond(Http::Response::error(421, "unknown Host for the monitor"));
                return;
            }
            auto answer = [this, method = request.method, path = request.path, peer = request.peerAddress,
                           authorization = request.header("authorization"),
                           token = request.queryParameter("token")] {
                const auto reply = d->status->handle(method, path, peer, authorization, token);
                Http::Response response;
                response.status = reply->status;
                response.contentType = reply->contentType;
                response.body = reply->body; // the connection leaves it out for HEAD
                response.headers = reply->headers;
                return response;
            };
            if (worker->index() == 0) {
                exchange->respond(answer());
                return;
            }
            // The registry lives on this Server's thread: asked there, answered here.
            answerFromHome(this, worker, exchange, answer);
            return;
        }
        if (AdminApi::matches(request.path)) {
            // The admin API (docs/ADMIN.md): off (404) without admin_token; a bearer token always, the
            // client's address never enough. Answered on this Server's thread, which hands the call to
            // the session's worker by a queued call and answers when that worker has (Server::applyFault()).
            if (!d->admin->isEnabled()) {
                exchange->respond(Http::Response::error(404));
                return;
            }
            auto ask = [this, worker, exchange = QPointer<Http::Exchange>(exchange), method = request.method,
                        path = request.path, authorization = request.header("authorization"),
                        body = request.body] {
                d->admin->handle(method, path, authorization, body, adminReply(worker, exchange));
            };
            if (worker->index() == 0)
                ask();
            else
                TsanHandover::post(this, ask);
            return;
        }
        if (request.path == "/healthz") {
            exchange->respond(d->health(request));
            return;
        }
        if (request.path == "/.well-known/host-meta" || request.path == "/.well-known/host-meta.json") {
            exchange->respond(d->hostMeta(request, request.path.endsWith(".json")));
            return;
        }
        exchange->respond(Http::Response::error(404));
    });
}

Server::~Server()
{
    // Quitting without shutdown() (the window closed): REST sessions are kept all the same.
    if (!d->shuttingDown) {
        QString storeError;
        if (!d->rest->saveSessions(&storeError))
            qCWarning(lcServer).noquote() << "REST sessions not saved:" << storeError;
    }
    // No more connections handed to the workers destroyed here (worker_accept = acceptor).
    d->http->close();
    // The other workers first, each on its thread, then the thread.
    for (qsizetype i = d->workers.size() - 1; i > 0; --i) {
        Private::WorkerSlot &slot = d->workers[i];
        TsanHandover::callBlocking(slot.anchor, [worker = slot.worker, anchor = slot.anchor] {
            delete worker;
            anchor->deleteLater(); // when the thread ends
        });
        slot.thread->quit();
        slot.thread->wait();
        TsanHandover::acquire(); // QThread::wait() is out of ThreadSanitizer's sight
        delete slot.thread;
    }
    // Sessions first: they talk to the resolver and the hub while closing.
    d->http = nullptr;
    d->main()->closeHttp();
    d->restRelays.reset();
    d->rest.reset();
    delete d->main();
    d->workers.clear();
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
    d->address = address;
    // The REST session store before anything listens: a store that cannot be used stops start-up.
    QString storeError;
    if (!d->rest->openStore(&storeError)) {
        if (error)
            *error = tr("Cannot use rest_store: %1").arg(storeError);
        return false;
    }
    // The VAPID key pair of push on arrival (created on the first start); an unusable file stops here.
    QString pushError;
    if (!d->rest->start(&pushError)) {
        if (error)
            *error = pushError;
        return false;
    }
    const bool tls = !d->config.tlsCertFile.isEmpty();
    if (tls) {
        QSslConfiguration configuration;
        QString tlsError;
        if (!QSslSocket::supportsSsl() || !d->loadTls(&configuration, &tlsError)) {
            if (error)
                *error = QSslSocket::supportsSsl() ? tr("Cannot use TLS: %1").arg(tlsError)
                                                   : tr("Cannot use TLS: no TLS backend");
            return false;
        }
        d->tls = configuration;
        if (!d->http->listenTls(address, d->config.tlsPort, configuration)) {
            if (error)
                *error = tr("Cannot listen on %1:%2: %3")
                             .arg(d->config.host)
                             .arg(d->config.tlsPort)
                             .arg(d->http->errorString());
            return false;
        }
    }
    if ((!tls || d->config.plainListener) && !d->http->listen(address, d->config.port)) {
        if (error)
            *error = tr("Cannot listen on %1:%2: %3")
                         .arg(d->config.host)
                         .arg(d->config.port)
                         .arg(d->http->errorString());
        d->http->close();
        return false;
    }
    // The other workers listen on the ports worker 0 got (SO_REUSEPORT: the kernel spreads new
    // connections over every worker's socket), or, with one acceptor, take what worker 0's listeners
    // hand them: with the same TLS configuration.
    const quint16 plainPort = d->http->serverPort();
    const quint16 securePort = d->http->tlsPort();
    const QSslConfiguration tlsConfiguration = d->tls;
    const bool oneAcceptor = d->oneAcceptor();
    for (qsizetype i = 1; i < d->workers.size(); ++i) {
        QString listenError;
        Private::runOn(d->workers.at(i), [&](Worker *worker) {
            Http::HttpServer *http = worker->http();
            if (oneAcceptor) {
                if (securePort != 0)
                    http->setTlsConfiguration(tlsConfiguration);
                return;
            }
            if ((securePort != 0 && !http->listenTls(address, securePort, tlsConfiguration)) ||
                (plainPort != 0 && !http->listen(address, plainPort)))
                listenError = http->errorString();
        });
        if (!listenError.isEmpty()) {
            if (error)
                *error =
                    tr("Cannot listen on %1 in worker %2: %3").arg(d->config.host).arg(i).arg(listenError);
            d->postToAll([](Worker *worker) { worker->http()->close(); });
            return false;
        }
    }
    qCInfo(lcServer).noquote() << "BOSH endpoint at" << boshUrl().toString();
    if (tls && port() != 0)
        qCInfo(lcServer).noquote() << "BOSH endpoint at" << secureBoshUrl().toString();
    // REST sessions kept by the last graceful shutdown log in again (docs/REST.md).
    d->rest->restoreSessions();
    return true;
}

void Server::shutdown()
{
    if (d->shuttingDown)
        return;
    d->shuttingDown = true;
    // Stop accepting; a request on a connection still open is refused like a new session in drain.
    d->postToAll([](Worker *worker) {
        worker->http()->close();
        worker->streams()->setDraining(true);
    });
    // REST sessions go to the session store before their streams close, so they survive the restart.
    QString storeError;
    if (!d->rest->saveSessions(&storeError))
        qCWarning(lcServer).noquote() << "REST sessions not saved:" << storeError;
    d->postToAll([](Worker *worker) { worker->streams()->terminateAll(Stream::Condition::SystemShutdown); });
    d->shutdownDeadline.start(std::chrono::seconds(qMax(1, d->config.shutdownTimeout)));
    finishShutdownWhenQuiet();
}

void Server::finishShutdownWhenQuiet()
{
    if (!d->shuttingDown || d->shutdownDone)
        return;
    if (d->streams->count() > 0 || d->streams->closingLinks() > 0)
        return; // the registry's idle() calls again
    if (d->workers.size() == 1) {
        // One worker, this thread's: looked at here (again until its answers have left the sockets).
        if (!d->main()->isQuiet()) {
            d->shutdownFlush.start();
            return;
        }
        finishShutdown();
        return;
    }
    // Every worker's registry says idle() too; each worker is asked by a queued call and answers by
    // one (looked at again until their answers have left their sockets). One look at a time.
    if (d->quietLookUnderWay)
        return;
    d->quietLookUnderWay = true;
    d->askEveryWorker(
        this, [](Worker *worker) { return worker->isQuiet(); },
        [this](bool allQuiet) {
            d->quietLookUnderWay = false;
            if (!d->shuttingDown || d->shutdownDone)
                return;
            if (!allQuiet) {
                if (!d->shutdownFlush.isActive())
                    d->shutdownFlush.start();
                return;
            }
            finishShutdown();
        });
}

void Server::finishShutdown()
{
    d->shutdownFlush.stop();
    d->shutdownDeadline.stop();
    d->shutdownDone = true;
    Q_EMIT shutdownFinished(true);
}

void Server::setDraining(bool draining)
{
    if (d->shuttingDown)
        return;
    d->draining = draining;
    d->postToAll([draining, uri = d->config.drainUrl](Worker *worker) {
        worker->streams()->setDraining(draining, uri);
    });
    qCInfo(lcServer) << (draining ? "draining: new sessions are refused" : "drain ended");
}

bool Server::isDraining() const
{
    return d->draining;
}

bool Server::reloadTls(QString *error)
{
    if (d->config.tlsCertFile.isEmpty()) {
        if (error)
            *error = tr("TLS is not configured");
        return false;
    }
    QSslConfiguration configuration;
    QString tlsError;
    if (!d->loadTls(&configuration, &tlsError)) {
        if (error)
            *error = tlsError;
        return false;
    }
    d->tls = configuration;
    d->postToAll([configuration](Worker *worker) { worker->http()->setTlsConfiguration(configuration); });
    qCInfo(lcServer) << "TLS certificate reloaded:" << configuration.localCertificate().subjectDisplayName();
    return true;
}

quint16 Server::tlsPort() const
{
    return d->http->tlsPort();
}

int Server::connectionCount() const
{
    // Each worker's count is an atomic its thread writes: summed here without waiting for a worker.
    int count = 0;
    for (const Private::WorkerSlot &slot : std::as_const(d->workers))
        count += slot.worker->http() ? slot.worker->http()->connectionCount() : 0;
    return count;
}

int Server::closingLinks() const
{
    int count = 0;
    for (const Private::WorkerSlot &slot : std::as_const(d->workers))
        count += slot.worker->closingLinks();
    return count;
}

Limits *Server::limits() const
{
    return d->limits.get();
}

QUrl Server::secureBoshUrl() const
{
    if (tlsPort() == 0)
        return {};
    QUrl url = boshUrl();
    url.setScheme(QStringLiteral("https"));
    url.setPort(tlsPort());
    return url;
}

QUrl Server::secureWebSocketUrl() const
{
    if (tlsPort() == 0)
        return {};
    QUrl url = secureBoshUrl();
    url.setScheme(QStringLiteral("wss"));
    url.setPath(d->config.wsPath);
    return url;
}

void Server::stop()
{
    d->postToAll([](Worker *worker) {
        worker->http()->close();
        worker->streams()->terminateAll(Stream::Condition::SystemShutdown);
    });
}

bool Server::isListening() const
{
    return d->http->serverPort() != 0 || d->http->tlsPort() != 0;
}

quint16 Server::port() const
{
    return d->http->serverPort();
}

QUrl Server::boshUrl() const
{
    QUrl url;
    const bool plain = d->http->serverPort() != 0 || d->http->tlsPort() == 0;
    url.setScheme(plain ? QStringLiteral("http") : QStringLiteral("https"));
    const QHostAddress address = d->address.isNull() ? d->http->serverAddress() : d->address;
    url.setHost(address.isNull() || address == QHostAddress::Any || address == QHostAddress::AnyIPv6
                    ? QStringLiteral("localhost")
                    : address.toString());
    url.setPort(plain ? port() : tlsPort());
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

Monitor::Registry *Server::registry() const
{
    return d->registry.get();
}

Monitor::TrafficRecorder *Server::traffic() const
{
    return d->traffic.get();
}

Monitor::ProblemLog *Server::problems() const
{
    return d->problems.get();
}

bool Server::terminateSession(const QString &id, const QString &condition)
{
    // The conditions every transport can tell its client, and an operator may choose.
    static const QList<Stream::Condition> allowed = {Stream::Condition::SystemShutdown,
                                                     Stream::Condition::PolicyViolation,
                                                     Stream::Condition::HostGone,
                                                     Stream::Condition::RemoteConnectionFailed,
                                                     Stream::Condition::InternalServerError,
                                                     Stream::Condition::UndefinedCondition};
    const std::optional<Stream::Condition> chosen = Stream::conditionFromName(condition);
    if (!chosen || !allowed.contains(*chosen))
        return false;
    // Never a wait for the owner (a busy worker would stall the window's thread): posted to it.
    const int owner = workerOf(id);
    if (owner < 0 || owner >= d->workers.size())
        return false;
    Private::postTo(d->workers.at(owner), [id, condition, chosen = *chosen](Worker *worker) {
        Stream::ClientStream *stream = worker->streams()->find(id);
        if (!stream)
            return; // it ended meanwhile
        qCInfo(lcServer).noquote() << "session" << id << "terminated by the operator with" << condition;
        stream->terminate(chosen);
    });
    return true;
}

void Server::injectStanza(const QString &id, Monitor::Direction direction, const QByteArray &xml,
                          const QObject *context, InjectDone done)
{
    // The answer goes to this thread, always queued, and only while `context` lives.
    auto answer = Private::answerTo<QString>(
        this, context, std::move(done),
        tr("the session's worker did not answer within %1 s (busy); the stanza may still go")
            .arg(SessionAnswer::kDeadlineMs / 1000));
    const Xmpp::SingleStanza stanza = Xmpp::parseSingleStanza(xml, d->config.maxXmlDepth);
    if (!stanza.ok())
        return answer(stanzaProblem(stanza));
    // Run where the session lives; its answer is posted back (a worker never waits for this thread,
    // and this thread never waits for a worker).
    Private::postTo(d->ownerOf(id), [answer, id, direction, xml = stanza.xml](Worker *worker) {
        Stream::ClientStream *stream = worker->streams()->find(id);
        if (!stream)
            answer(tr("no session %1").arg(id));
        else if (!stream->inject(direction, xml))
            answer(tr("the session has no open stream"));
        else
            answer(QString());
    });
}

QString Server::stanzaProblem(const Xmpp::SingleStanza &stanza) const
{
    using Problem = Xmpp::SingleStanza::Problem;
    switch (stanza.problem) {
    case Problem::None:
        break;
    case Problem::TooDeep:
        return tr("nesting deeper than %1").arg(d->config.maxXmlDepth);
    case Problem::Prolog:
        return tr("only one element, without XML declaration, DOCTYPE or processing instruction");
    case Problem::NotWellFormed:
        return tr("not well-formed XML: %1").arg(stanza.parserError);
    case Problem::NotOne:
        return tr("exactly one element is needed");
    case Problem::NotAtStart:
        return tr("the stanza must begin with its element");
    }
    return {};
}

namespace {

/// A session's answer: Done with `state`, or Refused with `error`.
SessionAnswer answered(bool done, const QString &error, const QJsonObject &state)
{
    SessionAnswer answer;
    answer.outcome = done ? SessionAnswer::Outcome::Done : SessionAnswer::Outcome::Refused;
    if (!done)
        answer.error = error;
    answer.state = state;
    return answer;
}

} // namespace

void Server::applyFault(const QString &id, const Stream::FaultRequest &request, const QObject *context,
                        SessionDone done)
{
    d->askSession(this, id, context, std::move(done), [id, request](Stream::ClientStream *stream) {
        QString error;
        const bool applied = stream->applyFault(request, &error);
        if (applied)
            qCInfo(lcServer).noquote()
                << "session" << id << "fault" << Stream::faultKindName(request.kind) << "applied";
        return answered(applied, error, stream->faultState());
    });
}

void Server::clearFaults(const QString &id, const QObject *context, SessionDone done)
{
    d->askSession(this, id, context, std::move(done), [](Stream::ClientStream *stream) {
        stream->clearFaults();
        return answered(true, {}, stream->faultState());
    });
}

void Server::faultState(const QString &id, const QObject *context, SessionDone done)
{
    d->askSession(this, id, context, std::move(done),
                  [](Stream::ClientStream *stream) { return answered(true, {}, stream->faultState()); });
}

void Server::setBreakpoint(const QString &id, const Stream::BreakpointFilter &filter, const QObject *context,
                           SessionDone done)
{
    d->askSession(this, id, context, std::move(done), [filter](Stream::ClientStream *stream) {
        QString error;
        const bool set = stream->setBreakpoint(filter, &error);
        return answered(set, error, stream->breakpointState());
    });
}

void Server::clearBreakpoint(const QString &id, const QObject *context, SessionDone done)
{
    d->askSession(this, id, context, std::move(done), [](Stream::ClientStream *stream) {
        stream->clearBreakpoint();
        return answered(true, {}, stream->breakpointState());
    });
}

void Server::breakpointState(const QString &id, const QObject *context, SessionDone done)
{
    d->askSession(this, id, context, std::move(done),
                  [](Stream::ClientStream *stream) { return answered(true, {}, stream->breakpointState()); });
}

void Server::setBreakpointForAll(const std::optional<Stream::BreakpointFilter> &filter,
                                 const QObject *context, std::function<void(bool everyWorker)> done)
{
    // Every worker sets it (this thread's at once); `done` once the last one has, or at the deadline.
    auto answer = Private::answerTo<bool>(this, context, std::move(done), false);
    d->askEveryWorker(
        this,
        [filter](Worker *worker) {
            worker->streams()->setBreakpointForAll(filter);
            return true;
        },
        [answer](bool) { answer(true); });
    qCInfo(lcServer).noquote() << (filter ? "breakpoint set for all sessions" : "breakpoints removed");
}

std::optional<Stream::BreakpointFilter> Server::breakpointForAll() const
{
    return d->main()->streams()->breakpointForAll();
}

void Server::actOnHeld(const QString &id, int heldId, Stream::Breakpoints::Action action,
                       const QByteArray &xml, const QObject *context, SessionDone done)
{
    QByteArray stanzaXml;
    if (action == Stream::Breakpoints::Action::Edit) {
        // The edited stanza must be one stanza, as for inject (RFC 6120 §11.1); refused here, answered
        // the same way as the worker's answers (queued).
        const Xmpp::SingleStanza stanza = Xmpp::parseSingleStanza(xml, d->config.maxXmlDepth);
        if (!stanza.ok()) {
            SessionAnswer refusal;
            refusal.outcome = SessionAnswer::Outcome::BadInput;
            refusal.error = stanzaProblem(stanza);
            Private::answerSessionTo(this, context, std::move(done))(refusal);
            return;
        }
        stanzaXml = stanza.xml;
    }
    d->askSession(this, id, context, std::move(done),
                  [heldId, action, stanzaXml](Stream::ClientStream *stream) {
                      QString error;
                      const bool acted = stream->actOnHeld(heldId, action, stanzaXml, &error);
                      return answered(acted, error, stream->breakpointState());
                  });
}

int Server::sessionCount() const
{
    // Each worker's count is an atomic its thread writes: summed here without waiting for a worker.
    int count = 0;
    for (const Private::WorkerSlot &slot : std::as_const(d->workers))
        count += slot.worker->streams()->count();
    return count;
}

int Server::workerCount() const
{
    return int(d->workers.size());
}

QObject *Server::workerContext(int index) const
{
    if (index < 0 || index >= d->workers.size())
        return nullptr;
    return index == 0 ? const_cast<Server *>(this) : d->workers.at(index).anchor;
}

int Server::workerOf(const QString &id) const
{
    if (d->directory)
        return d->directory->owner(id);
    return d->streams->find(id) ? 0 : -1;
}

QUrl Server::webSocketUrl() const
{
    QUrl url = boshUrl();
    url.setScheme(url.scheme() == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws"));
    url.setPath(d->config.wsPath);
    return url;
}

} // namespace Switchboard
