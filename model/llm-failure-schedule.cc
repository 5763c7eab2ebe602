// SPDX-License-Identifier: GPL-2.0-only

#include "llm-failure-schedule.h"

#include "llm-input-error.h"
#include "llm-scenario.h"
#include "llm-text-parse.h"
#include "ns3/log.h"
#include "ns3/rng-stream.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmFailureSchedule");

namespace
{

/// The syntax of an item, for messages.
const char* kSyntax = "SERVER@TIME[+REPAIR] (e.g. edge7@120 or edge7@120+30)";

/// The position of the '+' that starts the repair time in "TIME+REPAIR" (npos: none); the '+'
/// of an exponent ("1e+2") does not count.
std::size_t
RepairSign(const std::string& s)
{
    for (std::size_t k = 1; k < s.size(); ++k)
    {
        if (s[k] == '+' && s[k - 1] != 'e' && s[k - 1] != 'E')
        {
            return k;
        }
    }
    return std::string::npos;
}

} // namespace

LlmFailureSchedule
LlmFailureSchedule::Parse(const std::vector<std::string>& items,
                          const std::string& source,
                          const std::string& option,
                          const LlmScenario& scenario)
{
    LlmFailureSchedule schedule;
    schedule.m_source = source;
    schedule.m_option = option;
    std::size_t number = 0;
    for (const std::string& value : items)
    {
        // Each value is one item or a comma-separated list of them.
        std::size_t start = 0;
        while (true)
        {
            const std::size_t comma = value.find(',', start);
            const std::string item = value.substr(start, comma - start);
            ++number;
            const std::string field =
                option + " item " + std::to_string(number) + " (" + item.substr(0, 80) + ")";
            if (schedule.m_failures.size() >= MAX_FAILURES)
            {
                throw LlmInputError(source,
                                    field,
                                    "expected at most " + std::to_string(MAX_FAILURES)
                                        + " failures");
            }
            const std::size_t at = item.rfind('@');
            if (item.empty() || at == std::string::npos || at == 0)
            {
                throw LlmInputError(source,
                                    field,
                                    std::string("expected ") + kSyntax + ", got \"" + item + "\"");
            }
            Failure f;
            f.item = item;
            f.server = item.substr(0, at);
            if (!scenario.FindServer(f.server))
            {
                throw LlmInputError(source,
                                    field + ": server",
                                    "expected the name of a scenario server, got \"" + f.server
                                        + "\"");
            }
            const std::string when = item.substr(at + 1);
            const std::size_t plus = RepairSign(when);
            f.timeSeconds = LlmTextParse::Number(source,
                                                 field + ": time",
                                                 when.substr(0, plus),
                                                 0,
                                                 MAX_TIME_SECONDS,
                                                 "a failure time of 0 ... 1e9 s");
            if (plus != std::string::npos)
            {
                const double repair = LlmTextParse::Number(source,
                                                           field + ": repair",
                                                           when.substr(plus + 1),
                                                           0,
                                                           MAX_TIME_SECONDS,
                                                           "a repair time of 0 < REPAIR <= 1e9 s");
                if (!(repair > 0))
                {
                    throw LlmInputError(source,
                                        field + ": repair",
                                        "expected a repair time of 0 < REPAIR <= 1e9 s, got \""
                                            + when.substr(plus + 1) + "\"");
                }
                f.repairSeconds = repair;
            }
            schedule.m_failures.push_back(f);
            if (comma == std::string::npos)
            {
                break;
            }
            start = comma + 1;
        }
    }
    schedule.SortAndCheck();
    return schedule;
}

LlmFailureSchedule
LlmFailureSchedule::Random(const LlmScenario& scenario,
                           const RandomProcess& p,
                           const std::string& source)
{
    NS_LOG_FUNCTION(p.mtbfSeconds << p.seed << p.horizonSeconds);
    if (!(p.mtbfSeconds > 0) || !(p.mtbfSeconds <= MAX_TIME_SECONDS))
    {
        throw LlmInputError(source,
                            "MTBF",
                            "expected a mean time between failures of 0 < MTBF <= 1e9 s, got "
                                + LlmTextParse::Format(p.mtbfSeconds));
    }
    if (p.seed == 0)
    {
        throw LlmInputError(source, "SEED", "expected a seed 1 ... 4294967295, got 0");
    }
    if (p.repairSeconds && (!(*p.repairSeconds > 0) || !(*p.repairSeconds <= MAX_TIME_SECONDS)))
    {
        throw LlmInputError(source,
                            "REPAIR",
                            "expected a repair time of 0 < REPAIR <= 1e9 s, got "
                                + LlmTextParse::Format(*p.repairSeconds));
    }
    if (!(p.horizonSeconds >= 0) || !(p.horizonSeconds <= MAX_TIME_SECONDS))
    {
        throw LlmInputError(source,
                            "HORIZON",
                            "expected a horizon of 0 ... 1e9 s, got "
                                + LlmTextParse::Format(p.horizonSeconds));
    }
    LlmFailureSchedule schedule;
    schedule.m_source = source;
    const auto& servers = scenario.GetServers();
    for (std::size_t k = 0; k < servers.size(); ++k)
    {
        // The seed picks the substream, as ns-3's RngRun does: seeding MRG32k3a itself with
        // small integers makes the first draws of seeds 1, 2, 3 ... nearly proportional.
        RngStream rng(1, k, p.seed);
        double t = 0;
        while (true)
        {
            // Exponential with mean MTBF: −MTBF · ln(U), U in (0, 1].
            t += -p.mtbfSeconds * std::log(1.0 - rng.RandU01());
            if (t > p.horizonSeconds)
            {
                break;
            }
            if (schedule.m_failures.size() >= MAX_FAILURES)
            {
                throw LlmInputError(source,
                                    "MTBF",
                                    "expected at most " + std::to_string(MAX_FAILURES)
                                        + " failures before the horizon: raise the MTBF or "
                                          "lower the horizon");
            }
            Failure f;
            f.server = servers[k].name;
            f.timeSeconds = t;
            f.repairSeconds = p.repairSeconds;
            schedule.m_failures.push_back(f);
            if (!p.repairSeconds)
            {
                break; // down for good
            }
            t += *p.repairSeconds;
        }
    }
    schedule.SortAndCheck();
    return schedule;
}

void
LlmFailureSchedule::Merge(const LlmFailureSchedule& other)
{
    if (m_source.empty())
    {
        m_source = other.m_source;
        m_option = other.m_option;
    }
    else if (!other.m_source.empty() && other.m_source != m_source)
    {
        m_source += " and " + other.m_source;
    }
    m_failures.insert(m_failures.end(), other.m_failures.begin(), other.m_failures.end());
    if (m_failures.size() > MAX_FAILURES)
    {
        throw LlmInputError(m_source,
                            m_option,
                            "expected at most " + std::to_string(MAX_FAILURES) + " failures");
    }
    SortAndCheck();
}

void
LlmFailureSchedule::SortAndCheck()
{
    std::stable_sort(m_failures.begin(), m_failures.end(), [](const Failure& a, const Failure& b) {
        return a.timeSeconds < b.timeSeconds
               || (a.timeSeconds == b.timeSeconds && a.server < b.server);
    });
    // Per server: when it is back up (infinity: down for good), and the failure that took it
    // down.
    std::map<std::string, std::pair<double, const Failure*>> upAgain;
    for (const Failure& f : m_failures)
    {
        auto it = upAgain.find(f.server);
        if (it != upAgain.end() && f.timeSeconds < it->second.first)
        {
            const Failure& before = *it->second.second;
            const std::string name =
                f.item.empty() ? LlmTextParse::Format(f.timeSeconds) + " s" : "(" + f.item + ")";
            throw LlmInputError(
                m_source,
                (m_option.empty() ? std::string() : m_option + " ") + "item " + name,
                "expected a server that is up when it fails, but " + f.server + " is still down at "
                    + LlmTextParse::Format(f.timeSeconds) + " s (failed at "
                    + LlmTextParse::Format(before.timeSeconds) + " s"
                    + (before.repairSeconds
                           ? ", back at "
                                 + LlmTextParse::Format(before.timeSeconds + *before.repairSeconds)
                                 + " s)"
                           : " for good)"));
        }
        upAgain[f.server] = {f.repairSeconds ? f.timeSeconds + *f.repairSeconds : INFINITY, &f};
    }
}

const std::vector<LlmFailureSchedule::Failure>&
LlmFailureSchedule::GetFailures() const
{
    return m_failures;
}

const std::string&
LlmFailureSchedule::GetSource() const
{
    return m_source;
}

bool
LlmFailureSchedule::IsEmpty() const
{
    return m_failures.empty();
}

std::string
LlmFailureSchedule::ToText() const
{
    std::string out;
    for (const Failure& f : m_failures)
    {
        out += (out.empty() ? "" : ",") + f.server + "@" + LlmTextParse::Format(f.timeSeconds)
               + (f.repairSeconds ? "+" + LlmTextParse::Format(*f.repairSeconds) : "");
    }
    return out;
}

} // namespace ns3
