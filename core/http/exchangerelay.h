// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>

#include <functional>

namespace Switchboard::Http {

class Exchange;

/// Hands a request of a connection on this thread to a handler on another thread (docs/ARCHITECTURE.md,
/// "Threads": REST calls that reach a worker other than the REST gateway's).
///
/// Called on `local`'s thread (its connection's). Posts a copy of the request to `there`'s thread and
/// calls `handler` there with a relayed Exchange: a child of `there`, living on that thread, with the
/// calls and signals of any Exchange. Its respond(), startStream(), write() and endStream() are posted
/// back to `here`'s thread and done on `local` there, so the socket is only touched on its own thread
/// and the connection keeps its answers in request order (RFC 9112 §9.3.2). Nothing waits on either
/// side.
///
/// - A streamed answer's pieces travel in order. The relayed write() refuses when what it took and the
///   connection has not yet taken would pass Exchange::kMaxStreamBacklog, and its writable() fires once
///   that is down to half; the connection's own backlog cap holds behind it.
/// - When `local` is aborted or destroyed (the client left, the worker ends) before its answer or while
///   its stream is open, the relayed Exchange is aborted on its thread (onAborted()'s handler,
///   aborted()); calls made on it meanwhile are dropped. A relayed Exchange destroyed unanswered answers
///   500, one destroyed while streaming ends the stream, as a connection's does.
///
/// `here` and `there` must outlive every relay through them (the workers do); `local`'s request is
/// released (Exchange::releaseRequest()) once copied.
void relayExchange(Exchange *local, QObject *here, QObject *there, std::function<void(Exchange *)> handler);

} // namespace Switchboard::Http
