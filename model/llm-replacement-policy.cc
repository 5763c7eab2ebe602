// SPDX-License-Identifier: GPL-2.0-only

#include "llm-replacement-policy.h"

#include "llm-input-error.h"
#include "llm-link-trace.h"
#include "llm-text-parse.h"
#include "ns3/abort.h"
#include "ns3/log.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <utility>
#include <vector>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmReplacementPolicy");

namespace
{

/// Split text at ':'.
std::vector<std::string>
SplitColon(const std::string& text)
{
    std::vector<std::string> out;
    std::string item;
    std::istringstream in(text);
    while (std::getline(in, item, ':'))
    {
        out.push_back(item);
    }
    if (!text.empty() && text.back() == ':')
    {
        out.emplace_back();
    }
    return out;
}

} // namespace

std::string
LlmReplacementPolicy::ToString(Kind kind)
{
    switch (kind)
    {
        case Kind::NEVER:
            return "never";
        case Kind::PERIODIC:
            return "periodic";
        case Kind::THRESHOLD:
            return "threshold";
    }
    return "never";
}

LlmReplacementPolicy::Config
LlmReplacementPolicy::Parse(const std::string& text, const std::string& source)
{
    const std::string expected = "never, periodic:PERIOD_S or "
                                 "threshold:PERIOD_S:THETA[:CONFIRMATIONS[:DWELL_S]]";
    const std::vector<std::string> f = SplitColon(text);
    Config c;
    if (f.empty())
    {
        throw LlmInputError(source, "", "expected " + expected + ", got \"\"");
    }
    const std::string& kind = f[0];
    if (kind == "never")
    {
        if (f.size() != 1)
        {
            throw LlmInputError(source, "", "\"never\" takes no parameters, got \"" + text + "\"");
        }
        c.kind = Kind::NEVER;
        return c;
    }
    const double maxSeconds = 1e9;
    if (kind == "periodic")
    {
        if (f.size() != 2)
        {
            throw LlmInputError(source,
                                "",
                                "expected periodic:PERIOD_S (one parameter), got \"" + text + "\"");
        }
        c.kind = Kind::PERIODIC;
        c.periodSeconds = LlmTextParse::Number(source,
                                               "PERIOD_S",
                                               f[1],
                                               1e-6,
                                               maxSeconds,
                                               "a check period in seconds > 0");
        return c;
    }
    if (kind == "threshold")
    {
        if (f.size() < 3 || f.size() > 5)
        {
            throw LlmInputError(source,
                                "",
                                "expected threshold:PERIOD_S:THETA[:CONFIRMATIONS[:DWELL_S]], got "
                                "\"" + text
                                    + "\"");
        }
        c.kind = Kind::THRESHOLD;
        c.periodSeconds = LlmTextParse::Number(source,
                                               "PERIOD_S",
                                               f[1],
                                               1e-6,
                                               maxSeconds,
                                               "a check period in seconds > 0");
        c.threshold = LlmTextParse::Number(source,
                                           "THETA",
                                           f[2],
                                           0,
                                           1e6,
                                           "a relative threshold ≥ 0 (0.1: 10 % worse)");
        if (f.size() >= 4)
        {
            c.confirmations = static_cast<uint32_t>(
                LlmTextParse::Integer(source, "CONFIRMATIONS", f[3], 1, 1000000));
        }
        if (f.size() == 5)
        {
            c.dwellSeconds = LlmTextParse::Number(source,
                                                  "DWELL_S",
                                                  f[4],
                                                  0,
                                                  maxSeconds,
                                                  "a dwell time in seconds ≥ 0");
        }
        return c;
    }
    throw LlmInputError(source, "", "expected " + expected + ", got \"" + text + "\"");
}

LlmReplacementPolicy::LlmReplacementPolicy(const Config& config, const LlmPlacementSolver& solver)
    : m_config(config)
    , m_solver(solver)
{
    NS_ABORT_MSG_IF(!(config.periodSeconds > 0), "LlmReplacementPolicy: period must be > 0");
    NS_ABORT_MSG_IF(config.confirmations < 1, "LlmReplacementPolicy: confirmations must be ≥ 1");
}

LlmScenario
LlmReplacementPolicy::ScenarioAt(const LlmScenario& scenario, const LlmLinkTrace& trace, double t)
{
    LlmScenario s = scenario;
    if (trace.IsEmpty())
    {
        return s;
    }
    for (LlmLink& link : s.GetLinks())
    {
        link.bps = trace.GetBps(link.from, link.to, t);
    }
    return s;
}

double
LlmReplacementPolicy::MigrationSeconds(const LlmCostModel& model,
                                       const LlmPlacement& from,
                                       const LlmPlacement& to,
                                       uint64_t* bytes,
                                       uint32_t* layers)
{
    NS_ABORT_MSG_IF(from.size() != to.size(), "MigrationSeconds: placements of different sizes");
    // Bytes per (source, destination) server pair.
    std::map<std::pair<std::size_t, std::size_t>, double> pairBytes;
    uint64_t total = 0;
    uint32_t moved = 0;
    for (std::size_t l = 0; l < from.size(); ++l)
    {
        if (from[l] == to[l])
        {
            continue;
        }
        ++moved;
        const double b = model.StorageBytes(l, to[l].bits);
        total += static_cast<uint64_t>(std::ceil(b));
        if (from[l].server != to[l].server)
        {
            pairBytes[{from[l].server, to[l].server}] += b;
        }
        // Same server, other bits: requantized in place from the weights it holds (the old
        // width is at least as wide, or the weights come with it from storage): no transfer.
    }
    if (bytes)
    {
        *bytes = total;
    }
    if (layers)
    {
        *layers = moved;
    }
    double seconds = 0;
    const auto& servers = model.GetScenario().GetServers();
    for (const auto& [pair, b] : pairBytes)
    {
        const double bps = model.LinkBps(pair.first, pair.second);
        if (!(bps > 0))
        {
            return LlmCostModel::INFEASIBLE;
        }
        double delay = 0;
        for (const LlmLink& link : model.GetScenario().GetLinks())
        {
            if (link.from == servers[pair.first].name && link.to == servers[pair.second].name)
            {
                delay = link.delaySeconds.value_or(0);
                break;
            }
        }
        seconds = std::max(seconds, b * 8 / bps + delay);
    }
    return seconds;
}

LlmReplacementPolicy::Decision
LlmReplacementPolicy::Check(double now,
                            const LlmScenario& current,
                            const LlmPlacement& running,
                            double remainingFraction,
                            double replayShare)
{
    Decision d;
    const LlmCostModel model(current);
    d.currentSeconds = model.Objective(running);
    if (m_config.kind == Kind::NEVER)
    {
        d.reason = "policy never";
        return d;
    }
    d.plan = m_solver.Solve(model);
    d.solved = true;
    if (!d.plan.HasPlacement())
    {
        d.reason = "re-solve found no plan: " + d.plan.message;
        m_streak = 0;
        return d;
    }
    d.bestSeconds = model.Objective(d.plan.placement);
    d.migrationSeconds =
        MigrationSeconds(model, running, d.plan.placement, &d.migrationBytes, &d.layersMoved);
    const double f = std::clamp(remainingFraction, 0.0, 1.0);
    const double saving = (d.currentSeconds - d.bestSeconds) * f;
    d.replaySeconds = std::max(replayShare, 0.0) * d.bestSeconds;
    std::ostringstream why;
    why << "T_cur " << d.currentSeconds << " s, T_best " << d.bestSeconds << " s, move "
        << d.layersMoved << " layers in " << d.migrationSeconds << " s, replay " << d.replaySeconds
        << " s, saves " << saving << " s over the rest";
    if (d.layersMoved == 0 || !(d.bestSeconds < d.currentSeconds))
    {
        d.reason = why.str() + ": the running plan is (still) best";
        m_streak = 0;
        return d;
    }
    if (m_config.kind == Kind::THRESHOLD)
    {
        if (!(d.currentSeconds > (1 + m_config.threshold) * d.bestSeconds))
        {
            d.reason = why.str() + ": within the threshold";
            m_streak = 0;
            return d;
        }
        ++m_streak;
        if (m_streak < m_config.confirmations)
        {
            d.reason = why.str() + ": beyond the threshold, waiting for confirmation";
            return d;
        }
        if (now - m_lastMigration < m_config.dwellSeconds)
        {
            d.reason = why.str() + ": beyond the threshold, within the dwell time";
            return d;
        }
    }
    if (!(saving > d.migrationSeconds + d.replaySeconds))
    {
        d.reason = why.str() + ": not worth its migration and replay";
        return d;
    }
    d.migrate = true;
    d.reason = why.str() + ": migrate";
    m_streak = 0;
    m_lastMigration = now;
    NS_LOG_INFO("t=" << now << " s: " << d.reason);
    return d;
}

} // namespace ns3
