// SPDX-License-Identifier: GPL-3.0-or-later
#include "xmpp/expatpool.h"

#include <QRandomGenerator>

#include <utility>
#include <vector>

namespace Switchboard::Xmpp {

namespace {
constexpr std::size_t kPoolSize = 4;

struct Pool
{
    std::vector<std::pair<char, XML_Parser>> idle;
    ~Pool()
    {
        for (auto &[separator, parser] : idle)
            XML_ParserFree(parser);
    }
};

thread_local Pool t_pool;
} // namespace

unsigned long expatHashSalt()
{
    static const unsigned long salt = [] {
        unsigned long value = 0;
        while (value == 0) // Expat treats 0 as "not set" and would ask the kernel itself
            value = static_cast<unsigned long>(QRandomGenerator::system()->generate64());
        return value;
    }();
    return salt;
}

PooledParser::PooledParser(char namespaceSeparator) : m_parser(nullptr), m_separator(namespaceSeparator)
{
    for (auto it = t_pool.idle.begin(); it != t_pool.idle.end(); ++it) {
        if (it->first == namespaceSeparator) {
            m_parser = it->second;
            t_pool.idle.erase(it);
            break;
        }
    }
    if (!m_parser)
        m_parser = XML_ParserCreateNS("UTF-8", namespaceSeparator);
    XML_SetHashSalt(m_parser, expatHashSalt());
}

PooledParser::~PooledParser()
{
    if (t_pool.idle.size() < kPoolSize && XML_ParserReset(m_parser, "UTF-8") == XML_TRUE) {
        t_pool.idle.emplace_back(m_separator, m_parser);
        return;
    }
    XML_ParserFree(m_parser);
}

} // namespace Switchboard::Xmpp
