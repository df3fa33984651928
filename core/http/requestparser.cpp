// SPDX-License-Identifier: GPL-3.0-or-later
#include "http/requestparser.h"

#include "base/config.h"

#include <http_parser.h>

#include <array>

namespace Switchboard::Http {

namespace {

bool equalsIgnoringCase(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && qstrnicmp(a.data(), a.size(), b.data(), b.size()) == 0;
}

/// True when a comma-separated header value lists `token` (case-insensitively).
bool listContains(QByteArrayView list, QByteArrayView token)
{
    qsizetype start = 0;
    while (start <= list.size()) {
        qsizetype end = list.indexOf(',', start);
        if (end < 0)
            end = list.size();
        if (equalsIgnoringCase(list.sliced(start, end - start).trimmed(), token))
            return true;
        start = end + 1;
    }
    return false;
}

/// RFC 9110 §5.6.2 token characters.
bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && !QByteArrayView("!#$%&'*+-.^_`|~").contains(c))
            return false;
    }
    return true;
}

} // namespace

/// http_parser state plus the request being assembled by its callbacks. Limits are checked as bytes
/// arrive, so nothing a peer sends is held beyond them.
struct ParseState
{
    ParseState(qint64 maxData, int maxHeaders, qint64 maxHead = 0)
        : maxDataHeld(maxData), maxHeaderBytes(maxHead > 0 ? maxHead : maxData), maxHeaderCount(maxHeaders)
    {
        http_parser_init(&parser, HTTP_REQUEST);
        parser.data = this;
    }

    void beginMessage()
    {
        request = Request();
        headerBytes = 0;
        bodyBytes = 0;
        lastWasValue = false;
        headersDone = false;
        inMessage = true;
        expectContinue = false;
        keepAlive = false;
    }

    bool refuse(int status, QByteArray reason)
    {
        refuseStatus = status;
        refuseReason = std::move(reason);
        return false;
    }

    bool addHeaderBytes(std::size_t length)
    {
        headerBytes += qint64(length);
        if (maxHeaderBytes > 0 && headerBytes > maxHeaderBytes)
            return refuse(431, QByteArrayLiteral("request head too large"));
        return true;
    }

    static const http_parser_settings settings;

    http_parser parser;
    const qint64 maxDataHeld;
    const qint64 maxHeaderBytes; ///< request line plus header fields (max_header_size)
    const int maxHeaderCount;
    Request request;
    qint64 headerBytes = 0;
    qint64 bodyBytes = 0;
    int refuseStatus = 0;
    QByteArray refuseReason;
    bool lastWasValue = false;
    bool headersDone = false;
    bool inMessage = false;
    bool expectContinue = false;
    bool keepAlive = false;
};

namespace {

/// A header name or value that nearly every request carries, as shared static data instead of an
/// allocation of its own (one per field name and value otherwise): `bytes` itself when it is one of
/// `known` (case-insensitively for names, which are lower-cased later anyway), else a copy. Only the
/// first piece of a field is looked up; a field split across reads is appended to (and then copied).
template <std::size_t N>
QByteArray interned(QByteArrayView bytes, const std::array<QByteArrayView, N> &known, Qt::CaseSensitivity cs)
{
    for (const QByteArrayView candidate : known) {
        if (candidate.size() == bytes.size() && candidate.compare(bytes, cs) == 0)
            return QByteArray::fromRawData(candidate.data(), candidate.size());
    }
    return bytes.toByteArray();
}

constexpr std::array<QByteArrayView, 22> kCommonNames = {
    "host",
    "content-type",
    "content-length",
    "connection",
    "user-agent",
    "accept",
    "accept-encoding",
    "accept-language",
    "origin",
    "referer",
    "cache-control",
    "pragma",
    "upgrade",
    "sec-websocket-key",
    "sec-websocket-version",
    "sec-websocket-protocol",
    "x-forwarded-for",
    "sec-websocket-extensions",
    "forwarded",
    "authorization",
    "sec-fetch-mode",
    "transfer-encoding",
};
constexpr std::array<QByteArrayView, 7> kCommonValues = {
    "text/xml; charset=utf-8", "text/xml; charset=UTF-8", "keep-alive", "close", "*/*",
    "gzip, deflate",           "application/json",
};

ParseState *stateOf(http_parser *parser)
{
    return static_cast<ParseState *>(parser->data);
}

int onMessageBegin(http_parser *parser)
{
    stateOf(parser)->beginMessage();
    return 0;
}

int onUrl(http_parser *parser, const char *at, std::size_t length)
{
    ParseState *state = stateOf(parser);
    if (!state->addHeaderBytes(length))
        return -1;
    state->request.target.append(at, qsizetype(length));
    return 0;
}

int onHeaderField(http_parser *parser, const char *at, std::size_t length)
{
    ParseState *state = stateOf(parser);
    if (!state->addHeaderBytes(length))
        return -1;
    if (state->headersDone)
        return 0; // a trailer field of a chunked body: counted, not kept (RFC 9112 §7.1.2)
    if (state->lastWasValue || state->request.headers.isEmpty()) {
        if (state->maxHeaderCount > 0 && state->request.headers.size() >= state->maxHeaderCount) {
            state->refuse(431, QByteArrayLiteral("too many header fields"));
            return -1;
        }
        state->request.headers.append(
            {interned(QByteArrayView(at, qsizetype(length)), kCommonNames, Qt::CaseInsensitive),
             QByteArray()});
        state->lastWasValue = false;
    } else {
        state->request.headers.last().first.append(at, qsizetype(length));
    }
    return 0;
}

int onHeaderValue(http_parser *parser, const char *at, std::size_t length)
{
    ParseState *state = stateOf(parser);
    if (!state->addHeaderBytes(length))
        return -1;
    if (state->headersDone || state->request.headers.isEmpty())
        return 0;
    QByteArray &value = state->request.headers.last().second;
    if (value.isNull())
        value = interned(QByteArrayView(at, qsizetype(length)), kCommonValues, Qt::CaseSensitive);
    else
        value.append(at, qsizetype(length));
    state->lastWasValue = true;
    return 0;
}

int onHeadersComplete(http_parser *parser)
{
    ParseState *state = stateOf(parser);
    Request &request = state->request;
    state->headersDone = true;
    for (auto &[name, value] : request.headers) {
        // RFC 9112 §5.1: a field name is a token; "Bad Name:" or "Name :" must be refused with 400.
        // Debian builds http_parser without HTTP_PARSER_STRICT, which lets spaces through.
        if (!isToken(name)) {
            state->refuse(400, QByteArrayLiteral("invalid header field name"));
            return -1;
        }
        name = std::move(name).toLower();
        value = std::move(value).trimmed();
    }
    // Only HTTP/1.x here (HTTP/0.9 has no headers and no status line; HTTP/2 is not spoken).
    if (parser->http_major != 1) {
        state->refuse(505, QByteArrayLiteral("HTTP version not supported"));
        return -1;
    }
    request.method = http_method_str(http_method(parser->method));
    request.versionMajor = parser->http_major;
    request.versionMinor = parser->http_minor;
    const qsizetype question = request.target.indexOf('?');
    request.path = question < 0 ? request.target : request.target.first(question);
    request.query = question < 0 ? QByteArray() : request.target.sliced(question + 1);

    // RFC 9112 §6.1 and §6.3: a request with both Transfer-Encoding and Content-Length is a smuggling
    // attempt; a Transfer-Encoding whose last coding is not chunked leaves the length unknown. Both are
    // refused with 400 and the connection closes. http_parser 2.9.4 flags most of this itself; these
    // checks also cover what its lenient paths let through.
    const bool hasTransferEncoding = request.hasHeader("transfer-encoding");
    int contentLengths = 0;
    for (const auto &header : std::as_const(request.headers)) {
        if (header.first == "content-length")
            ++contentLengths;
    }
    if (hasTransferEncoding && contentLengths > 0) {
        state->refuse(400, QByteArrayLiteral("both Content-Length and Transfer-Encoding"));
        return -1;
    }
    if (contentLengths > 1) {
        state->refuse(400, QByteArrayLiteral("several Content-Length fields"));
        return -1;
    }
    if (hasTransferEncoding && !(parser->flags & F_CHUNKED)) {
        state->refuse(400, QByteArrayLiteral("unsupported Transfer-Encoding"));
        return -1;
    }
    if (contentLengths == 1 && state->maxDataHeld > 0 && parser->content_length != ULLONG_MAX &&
        parser->content_length > quint64(state->maxDataHeld)) {
        state->refuse(413, QByteArrayLiteral("request body too large"));
        return -1;
    }
    // RFC 9110 §10.1.1: only HTTP/1.1 clients wait for "100 Continue".
    state->expectContinue =
        (request.versionMajor > 1 || (request.versionMajor == 1 && request.versionMinor >= 1)) &&
        equalsIgnoringCase(request.header("expect"), "100-continue");
    return 0;
}

int onBody(http_parser *parser, const char *at, std::size_t length)
{
    ParseState *state = stateOf(parser);
    state->bodyBytes += qint64(length);
    if (state->maxDataHeld > 0 && state->bodyBytes > state->maxDataHeld) {
        state->refuse(413, QByteArrayLiteral("request body too large"));
        return -1;
    }
    state->request.body.append(at, qsizetype(length));
    return 0;
}

int onMessageComplete(http_parser *parser)
{
    ParseState *state = stateOf(parser);
    state->inMessage = false;
    // http_parser: CONNECT and accepted Upgrade requests end the HTTP part of the connection.
    state->keepAlive = http_should_keep_alive(parser) && !parser->upgrade;
    // Stop after each request so the connection dispatches it outside the parser's callbacks, where
    // the handler may answer and even close the connection without http_parser on the stack.
    http_parser_pause(parser, 1);
    return 0;
}

} // namespace

const http_parser_settings ParseState::settings = [] {
    http_parser_settings settings;
    http_parser_settings_init(&settings);
    settings.on_message_begin = onMessageBegin;
    settings.on_url = onUrl;
    settings.on_header_field = onHeaderField;
    settings.on_header_value = onHeaderValue;
    settings.on_headers_complete = onHeadersComplete;
    settings.on_body = onBody;
    settings.on_message_complete = onMessageComplete;
    return settings;
}();

RequestParser::RequestParser(qint64 maxDataHeld, int maxHeaderCount, qint64 maxHeaderSize)
    : m_maxDataHeld(maxDataHeld), m_maxHeaderSize(maxHeaderSize), m_maxHeaderCount(maxHeaderCount)
{}

namespace {
const Request &emptyRequest()
{
    static const Request empty;
    return empty;
}
} // namespace

RequestParser::RequestParser(const Config &config)
    : RequestParser(config.maxDataHeld, config.maxHeaderCount, config.maxHeaderSize)
{}

RequestParser::~RequestParser() = default;

RequestParser::Step RequestParser::feed(QByteArrayView data)
{
    if (m_refusedStatus != 0)
        return {Outcome::Refused, 0};
    if (m_finished)
        return {Outcome::Finished, 0};
    if (data.isEmpty())
        return {Outcome::NeedMore, 0}; // to http_parser, no bytes would mean the end of the stream
    if (!m_state) // a new request: a parser made now, at the start of a message as after the last one
        m_state = std::make_unique<ParseState>(m_maxDataHeld, m_maxHeaderCount, m_maxHeaderSize);
    const std::size_t consumed =
        http_parser_execute(&m_state->parser, &ParseState::settings, data.data(), std::size_t(data.size()));
    const http_errno error = HTTP_PARSER_ERRNO(&m_state->parser);
    const qsizetype taken = qsizetype(qMin<std::size_t>(consumed, std::size_t(data.size())));
    if (error == HPE_PAUSED) {
        http_parser_pause(&m_state->parser, 0);
        return {Outcome::Complete, taken};
    }
    if (error != HPE_OK) {
        Step step;
        if (m_state->refuseStatus != 0)
            step = refuse(m_state->refuseStatus, m_state->refuseReason);
        else if (error == HPE_HEADER_OVERFLOW)
            step = refuse(431, QByteArrayLiteral("request head too large"));
        else
            step = refuse(400, QByteArray(http_errno_description(error)));
        step.consumed = taken;
        return step;
    }
    return {Outcome::NeedMore, taken};
}

RequestParser::Step RequestParser::refuse(int status, QByteArray reason)
{
    m_refusedStatus = status;
    m_refusedReason = std::move(reason);
    return {Outcome::Refused, 0};
}

Request RequestParser::takeRequest()
{
    if (!m_state)
        return {};
    Request request = std::move(m_state->request);
    m_keepAlive = m_state->keepAlive;
    if (!m_keepAlive)
        m_finished = true; // the connection reads no further request
    // Between requests nothing of the parser is needed: an idle connection (a held BOSH request
    // waits up to `wait` seconds) keeps no parser state. The next byte starts a new one.
    m_state.reset();
    return request;
}

bool RequestParser::keepAlive() const
{
    return m_state ? m_state->keepAlive : m_keepAlive;
}

bool RequestParser::inMessage() const
{
    return m_state && m_state->inMessage;
}

bool RequestParser::headersDone() const
{
    return m_state && m_state->headersDone;
}

bool RequestParser::expectContinue() const
{
    return m_state && m_state->expectContinue;
}

const Request &RequestParser::partialRequest() const
{
    return m_state ? m_state->request : emptyRequest();
}

void RequestParser::abandon()
{
    if (m_state)
        m_state->inMessage = false;
}

qsizetype RequestParser::findHeadEnd(QByteArrayView data, qsizetype from)
{
    for (qsizetype i = qMax<qsizetype>(from, 0); i < data.size(); ++i) {
        // The head ends with an empty line: "\r\n\r\n", or "\n\n" from lenient clients.
        if (data[i] != '\n')
            continue;
        if (i + 1 < data.size() && data[i + 1] == '\n')
            return i + 2;
        if (i + 2 < data.size() && data[i + 1] == '\r' && data[i + 2] == '\n')
            return i + 3;
    }
    return -1;
}

bool RequestParser::hasOnlyCrlfLineEnds(QByteArrayView head)
{
    for (qsizetype i = 0; i < head.size(); ++i) {
        if (head[i] == '\n' && (i == 0 || head[i - 1] != '\r'))
            return false;
    }
    return true;
}

std::optional<Request> RequestParser::webSocketUpgrade(QByteArrayView head, const Config &config)
{
    // A copy of the head is parsed; the socket keeps its bytes.
    ParseState state(config.maxDataHeld, config.maxHeaderCount, config.maxHeaderSize);
    http_parser_execute(&state.parser, &ParseState::settings, head.data(), std::size_t(head.size()));
    const http_errno error = HTTP_PARSER_ERRNO(&state.parser);
    bool wantsWebSocket = false;
    if (state.headersDone && (error == HPE_OK || error == HPE_PAUSED)) {
        for (const auto &[name, value] : std::as_const(state.request.headers)) {
            if (name == "upgrade" && listContains(value, "websocket"))
                wantsWebSocket = true;
        }
    }
    if (!wantsWebSocket)
        return std::nullopt;
    return std::move(state.request);
}

ParsedRequests parseRequests(QByteArrayView data, const Config &config)
{
    ParsedRequests result;
    RequestParser parser(config);
    while (true) {
        const RequestParser::Step step = parser.feed(data);
        data = data.sliced(step.consumed);
        if (step.outcome == RequestParser::Outcome::Complete) {
            result.requests.append(parser.takeRequest());
            if (!parser.keepAlive())
                break; // the connection would stop reading here
            continue;
        }
        if (step.outcome == RequestParser::Outcome::Refused) {
            result.refusedStatus = parser.refusedStatus();
            result.refusedReason = parser.refusedReason();
            break;
        }
        if (data.isEmpty() || step.consumed == 0) {
            result.incomplete = parser.inMessage();
            break;
        }
    }
    return result;
}

} // namespace Switchboard::Http
