// SPDX-License-Identifier: GPL-2.0-only

#include "llm-link-trace.h"

#include "llm-input-error.h"
#include "llm-scenario.h"
#include "llm-text-parse.h"
#include "ns3/log.h"
#include "ns3/rng-stream.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LlmLinkTrace");

namespace
{

/// The header line of a trace file.
const char* kHeader = "time_s,from,to,bps";
/// The columns, in order.
const char* kColumns[] = {"time_s", "from", "to", "bps"};
/// Largest trace file read, bytes.
constexpr std::size_t kMaxFileBytes = 256u << 20;

/// The text without leading and trailing spaces and tabs.
std::string
Trim(const std::string& s)
{
    const std::size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
    {
        return "";
    }
    const std::size_t e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

/// Split a line at its commas, each field trimmed.
std::vector<std::string>
SplitFields(const std::string& line)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true)
    {
        const std::size_t comma = line.find(',', start);
        out.push_back(Trim(line.substr(start, comma - start)));
        if (comma == std::string::npos)
        {
            return out;
        }
        start = comma + 1;
    }
}

/// The field name of a row's cell: "line 7: bps".
std::string
Field(std::size_t line, const std::string& column)
{
    return "line " + std::to_string(line) + (column.empty() ? "" : ": " + column);
}

/**
 * Check a rate for a link as the scenario checks its links' bps: positive, plausible (with the
 * scenario's hint, unless it accepts implausible units) and a point-to-point device rate.
 */
void
CheckBps(double bps,
         const LlmScenario& scenario,
         const std::string& source,
         const std::string& field)
{
    if (!(bps > 0))
    {
        throw LlmInputError(source,
                            field,
                            "expected a positive link speed in bit/s, got "
                                + LlmTextParse::Format(bps));
    }
    const double least = LlmScenario::MIN_PLAUSIBLE_BPS;
    if (!scenario.GetAcceptImplausibleUnits() && bps < least)
    {
        std::string text = "expected a link speed in bit/s of at least "
                           + LlmTextParse::Format(least) + ", got " + LlmTextParse::Format(bps);
        if (bps * 1e6 >= least && bps * 1e6 <= least * 1e9)
        {
            text +=
                "; did you mean " + LlmTextParse::Format(bps * 1e6) + " (Mbit/s typed as bit/s)?";
        }
        throw LlmInputError(source,
                            field,
                            text
                                + " (to use such a value, set \"accept_implausible_units\": "
                                  "true in the scenario or pass --accept-implausible-units)");
    }
    if (!(bps >= 1) || !(bps <= LlmLinkTrace::MAX_BPS))
    {
        throw LlmInputError(source,
                            field,
                            "expected 1 ... 9e18 bit/s (a point-to-point device rate), got "
                                + LlmTextParse::Format(bps));
    }
}

} // namespace

void
LlmLinkTrace::SetStatic(const LlmScenario& scenario)
{
    m_static.clear();
    for (const LlmLink& l : scenario.GetLinks())
    {
        m_static[{l.from, l.to}] = l.bps;
    }
}

LlmLinkTrace
LlmLinkTrace::Load(const std::string& path, const LlmScenario& scenario)
{
    NS_LOG_FUNCTION(path);
    std::ifstream in(path, std::ios::binary);
    if (!in)
    {
        throw LlmInputError(path, "", "cannot open the file for reading");
    }
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    if (size < 0 || static_cast<std::size_t>(size) > kMaxFileBytes)
    {
        throw LlmInputError(path,
                            "",
                            "expected a trace file of at most 256 MiB (one row per change)");
    }
    in.seekg(0, std::ios::beg);
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
    {
        throw LlmInputError(path, "", "cannot read the file");
    }
    return Parse(text.str(), path, scenario);
}

LlmLinkTrace
LlmLinkTrace::Parse(const std::string& text, const std::string& source, const LlmScenario& scenario)
{
    LlmLinkTrace trace;
    trace.m_source = source;
    trace.SetStatic(scenario);
    std::istringstream in(text);
    std::string raw;
    std::size_t lineNo = 0;
    bool header = false;
    double previous = 0;
    // Per link: the time and line of its last row (rows are sorted, so a second row at the
    // same time is the only duplicate to find).
    std::map<std::pair<std::string, std::string>, std::pair<double, std::size_t>> last;
    while (std::getline(in, raw))
    {
        ++lineNo;
        if (lineNo == 1 && raw.rfind("\xEF\xBB\xBF", 0) == 0)
        {
            raw.erase(0, 3); // a UTF-8 byte order mark (spreadsheets write one)
        }
        if (!raw.empty() && raw.back() == '\r')
        {
            raw.pop_back();
        }
        if (Trim(raw).empty())
        {
            continue;
        }
        const std::vector<std::string> f = SplitFields(raw);
        if (!header)
        {
            if (f != std::vector<std::string>(std::begin(kColumns), std::end(kColumns)))
            {
                throw LlmInputError(source,
                                    Field(lineNo, ""),
                                    std::string("expected the header ") + kHeader + ", got \""
                                        + raw.substr(0, 80) + "\"");
            }
            header = true;
            continue;
        }
        if (f.size() < 4)
        {
            throw LlmInputError(source,
                                Field(lineNo, kColumns[f.size()]),
                                std::string("expected 4 columns (") + kHeader + "), got "
                                    + std::to_string(f.size()));
        }
        if (f.size() > 4)
        {
            throw LlmInputError(source,
                                Field(lineNo, "column " + std::to_string(5)),
                                std::string("expected 4 columns (") + kHeader + "), got "
                                    + std::to_string(f.size()));
        }
        if (trace.m_rows.size() >= MAX_ROWS)
        {
            throw LlmInputError(source,
                                Field(lineNo, ""),
                                "expected at most " + std::to_string(MAX_ROWS) + " rows");
        }
        Row row;
        row.line = lineNo;
        row.timeSeconds = LlmTextParse::Number(source,
                                               Field(lineNo, "time_s"),
                                               f[0],
                                               -1.7e308,
                                               1.7e308,
                                               "a number (the time in s)");
        if (row.timeSeconds < 0)
        {
            throw LlmInputError(source,
                                Field(lineNo, "time_s"),
                                "expected a time >= 0 s, got "
                                    + LlmTextParse::Format(row.timeSeconds));
        }
        if (row.timeSeconds > MAX_TIME_SECONDS)
        {
            throw LlmInputError(source,
                                Field(lineNo, "time_s"),
                                "expected a time of at most 1e9 s, got "
                                    + LlmTextParse::Format(row.timeSeconds));
        }
        if (!trace.m_rows.empty() && row.timeSeconds < previous)
        {
            throw LlmInputError(source,
                                Field(lineNo, "time_s"),
                                "expected rows sorted by time, got "
                                    + LlmTextParse::Format(row.timeSeconds) + " after "
                                    + LlmTextParse::Format(previous));
        }
        previous = row.timeSeconds;
        row.from = f[1];
        row.to = f[2];
        if (!scenario.FindServer(row.from))
        {
            throw LlmInputError(source,
                                Field(lineNo, "from"),
                                "expected the name of a scenario server, got \"" + row.from + "\"");
        }
        if (!scenario.FindServer(row.to))
        {
            throw LlmInputError(source,
                                Field(lineNo, "to"),
                                "expected the name of a scenario server, got \"" + row.to + "\"");
        }
        if (row.from == row.to)
        {
            throw LlmInputError(source,
                                Field(lineNo, "to"),
                                "expected a server other than from (\"" + row.from + "\")");
        }
        if (trace.m_static.count({row.from, row.to}) == 0)
        {
            throw LlmInputError(source,
                                Field(lineNo, "to"),
                                "the scenario has no link " + row.from + " -> " + row.to
                                    + " (a trace changes the rates of existing links only)");
        }
        row.bps = LlmTextParse::Number(source,
                                       Field(lineNo, "bps"),
                                       f[3],
                                       -1.7e308,
                                       1.7e308,
                                       "a number (the rate in bit/s)");
        CheckBps(row.bps, scenario, source, Field(lineNo, "bps"));
        auto [it, fresh] = last.insert({{row.from, row.to}, {row.timeSeconds, row.line}});
        if (!fresh)
        {
            if (it->second.first == row.timeSeconds)
            {
                throw LlmInputError(source,
                                    Field(lineNo, "time_s"),
                                    "a second row for " + row.from + " -> " + row.to + " at "
                                        + LlmTextParse::Format(row.timeSeconds)
                                        + " s (the first is line "
                                        + std::to_string(it->second.second) + ")");
            }
            it->second = {row.timeSeconds, row.line};
        }
        trace.m_rows.push_back(row);
    }
    if (!header)
    {
        throw LlmInputError(source,
                            "",
                            std::string("expected the header line ") + kHeader
                                + " and one row per change, got an empty file");
    }
    if (trace.m_rows.empty())
    {
        throw LlmInputError(source,
                            Field(lineNo + 1, ""),
                            std::string("expected at least one row after the header ") + kHeader);
    }
    return trace;
}

LlmLinkTrace
LlmLinkTrace::Random(const LlmScenario& scenario,
                     const RandomProcess& p,
                     const std::vector<std::pair<std::string, std::string>>& links,
                     const std::string& source)
{
    NS_LOG_FUNCTION(p.periodSeconds << p.sigma << p.seed << p.horizonSeconds);
    if (!(p.periodSeconds > 0) || !(p.periodSeconds <= MAX_TIME_SECONDS))
    {
        throw LlmInputError(source,
                            "period",
                            "expected a period of 0 < period <= 1e9 s, got "
                                + LlmTextParse::Format(p.periodSeconds));
    }
    if (!(p.sigma >= 0) || !(p.sigma <= 5))
    {
        throw LlmInputError(source,
                            "sigma",
                            "expected 0 <= sigma <= 5 (the log of each factor's spread), got "
                                + LlmTextParse::Format(p.sigma));
    }
    if (p.seed == 0)
    {
        throw LlmInputError(source, "seed", "expected a seed 1 ... 4294967295, got 0");
    }
    if (!(p.horizonSeconds >= 0) || !(p.horizonSeconds <= MAX_TIME_SECONDS))
    {
        throw LlmInputError(source,
                            "horizon",
                            "expected a horizon of 0 ... 1e9 s, got "
                                + LlmTextParse::Format(p.horizonSeconds));
    }
    if (!(p.minFactor > 0) || !(p.minFactor <= 1) || !(p.maxFactor >= 1) || !(p.maxFactor <= 1e6))
    {
        throw LlmInputError(source,
                            "range",
                            "expected 0 < min factor <= 1 <= max factor <= 1e6, got "
                                + LlmTextParse::Format(p.minFactor) + " and "
                                + LlmTextParse::Format(p.maxFactor));
    }
    LlmLinkTrace trace;
    trace.m_source = source;
    trace.SetStatic(scenario);
    // The links drawn, as indices into the scenario's link list (their stream numbers).
    std::vector<std::size_t> drawn;
    const auto& all = scenario.GetLinks();
    if (links.empty())
    {
        for (std::size_t k = 0; k < all.size(); ++k)
        {
            drawn.push_back(k);
        }
    }
    for (const auto& [from, to] : links)
    {
        const auto it = std::find_if(all.begin(), all.end(), [&](const LlmLink& l) {
            return l.from == from && l.to == to;
        });
        if (it == all.end())
        {
            throw LlmInputError(source, "links", "the scenario has no link " + from + " -> " + to);
        }
        drawn.push_back(static_cast<std::size_t>(it - all.begin()));
    }
    std::sort(drawn.begin(), drawn.end());
    drawn.erase(std::unique(drawn.begin(), drawn.end()), drawn.end());
    const double steps = std::floor(p.horizonSeconds / p.periodSeconds + 1e-9);
    if (steps * static_cast<double>(drawn.size()) > static_cast<double>(MAX_ROWS))
    {
        throw LlmInputError(source,
                            "period",
                            "expected at most " + std::to_string(MAX_ROWS) + " rows, but "
                                + std::to_string(drawn.size()) + " links x "
                                + LlmTextParse::Format(steps)
                                + " periods exceed it: lengthen the period or shorten the "
                                  "horizon");
    }
    const std::size_t n = static_cast<std::size_t>(steps);
    // Draw each link's whole process from its own stream, then interleave the rows by time.
    std::vector<std::vector<double>> rates(drawn.size(), std::vector<double>(n));
    for (std::size_t d = 0; d < drawn.size(); ++d)
    {
        const LlmLink& l = all[drawn[d]];
        // The seed picks the substream, as ns-3's RngRun does (seeding MRG32k3a with small
        // integers makes the first draws of seeds 1, 2, 3 ... nearly proportional).
        RngStream rng(1, drawn[d], p.seed);
        // Not below a plausible speed (nor above the static rate when that is already below).
        const double lo =
            std::max({p.minFactor * l.bps, std::min(LlmScenario::MIN_PLAUSIBLE_BPS, l.bps), 1.0});
        const double hi = std::min(std::max(p.maxFactor * l.bps, lo), MAX_BPS);
        double factor = 1;
        for (std::size_t k = 0; k < n; ++k)
        {
            // Box-Muller: one standard normal from two uniforms in (0, 1).
            const double u1 = rng.RandU01();
            const double u2 = rng.RandU01();
            const double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
            factor *= std::exp(p.sigma * z - p.sigma * p.sigma / 2);
            const double bps = std::clamp(std::round(factor * l.bps), lo, hi);
            factor = bps / l.bps; // the clamp holds the process at its bound
            rates[d][k] = bps;
        }
    }
    trace.m_rows.reserve(n * drawn.size());
    for (std::size_t k = 0; k < n; ++k)
    {
        for (std::size_t d = 0; d < drawn.size(); ++d)
        {
            Row row;
            row.timeSeconds = static_cast<double>(k + 1) * p.periodSeconds;
            row.from = all[drawn[d]].from;
            row.to = all[drawn[d]].to;
            row.bps = rates[d][k];
            trace.m_rows.push_back(row);
        }
    }
    return trace;
}

double
LlmLinkTrace::GetStaticBps(const std::string& from, const std::string& to) const
{
    const auto it = m_static.find({from, to});
    if (it == m_static.end())
    {
        throw LlmInputError(m_source.empty() ? "link trace" : m_source,
                            "",
                            "the scenario has no link " + from + " -> " + to);
    }
    return it->second;
}

double
LlmLinkTrace::GetBps(const std::string& from, const std::string& to, double t) const
{
    double bps = GetStaticBps(from, to);
    for (const Row& r : m_rows)
    {
        if (r.timeSeconds > t)
        {
            break;
        }
        if (r.from == from && r.to == to)
        {
            bps = r.bps;
        }
    }
    return bps;
}

const std::vector<LlmLinkTrace::Row>&
LlmLinkTrace::GetRows() const
{
    return m_rows;
}

std::vector<std::pair<std::string, std::string>>
LlmLinkTrace::GetLinks() const
{
    std::vector<std::pair<std::string, std::string>> out;
    std::map<std::pair<std::string, std::string>, bool> seen;
    for (const Row& r : m_rows)
    {
        if (seen.insert({{r.from, r.to}, true}).second)
        {
            out.emplace_back(r.from, r.to);
        }
    }
    return out;
}

const std::string&
LlmLinkTrace::GetSource() const
{
    return m_source;
}

bool
LlmLinkTrace::IsEmpty() const
{
    return m_rows.empty();
}

double
LlmLinkTrace::GetMaxSlowdown() const
{
    double worst = 1;
    for (const Row& r : m_rows)
    {
        const auto it = m_static.find({r.from, r.to});
        if (it != m_static.end())
        {
            worst = std::max(worst, it->second / r.bps);
        }
    }
    return worst;
}

std::string
LlmLinkTrace::ToCsv() const
{
    std::string out = std::string(kHeader) + "\n";
    for (const Row& r : m_rows)
    {
        out += LlmTextParse::Format(r.timeSeconds) + "," + r.from + "," + r.to + ","
               + LlmTextParse::Format(r.bps) + "\n";
    }
    return out;
}

void
LlmLinkTrace::Save(const std::string& path) const
{
    std::ofstream out(path);
    out << ToCsv();
    if (!out)
    {
        throw LlmInputError(path, "", "cannot write the link trace");
    }
}

} // namespace ns3
