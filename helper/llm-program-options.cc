// SPDX-License-Identifier: GPL-2.0-only

#include "llm-program-options.h"

#include "ns3/command-line.h"
#include "ns3/edge-llm-compat.h"
#include "ns3/global-value.h"
#include "ns3/llm-baseline-comparison.h"
#include "ns3/llm-input-error.h"
#include "ns3/llm-joint-solver.h"
#include "ns3/llm-plan-reader.h"
#include "ns3/llm-solver-factory.h"
#include "ns3/llm-text-parse.h"

#include <algorithm>
#include <cstdint>
#include <regex>
#include <sstream>
#include <tuple>

namespace ns3
{

namespace
{

const char* kSource = "command line";

/// An ns-3 default a run sets on its own objects, and the option (or input) that decides it.
struct Governed
{
    const char* type;      //!< TypeId name
    const char* attribute; //!< Attribute name
    const char* option;    //!< What decides it
    const char* unlessKey; //!< Honoured unless this transport key is given (null: never)
};

const std::vector<Governed>&
GovernedDefaults()
{
    static const std::vector<Governed> table{
        {"ns3::TcpSocket", "SegmentSize", "--mtu (MSS = MTU - 52 bytes)", nullptr},
        {"ns3::LlmMessenger", "TcpSegmentSize", "--mtu (MSS = MTU - 52 bytes)", nullptr},
        {"ns3::LlmMessenger", "UdpPayloadSize", "--mtu (payload = MTU - 54 bytes)", nullptr},
        {"ns3::LlmMessenger", "Transport", "--transport", nullptr},
        {"ns3::LlmMessenger", "TcpBufferSize", "--socket-buffer", nullptr},
        {"ns3::PointToPointNetDevice", "Mtu", "--mtu", nullptr},
        {"ns3::PointToPointNetDevice",
         "DataRate",
         "the scenario's link rates (Omega_ij) and --link-trace",
         nullptr},
        {"ns3::PointToPointChannel",
         "Delay",
         "the scenario's delay_s, --d2d-delay, --wan-delay and --ideal",
         nullptr},
        {"ns3::FifoQueueDisc", "MaxSize", "--queue", nullptr},
        {"ns3::RateErrorModel", "ErrorRate", "--loss", nullptr},
        {"ns3::EdgeLlmClientApplication", "Requests", "--requests", nullptr},
        {"ns3::EdgeLlmServerApplication", "CcsHz", "the scenario's ccs_hz", nullptr},
        {"ns3::TcpL4Protocol", "SocketType", "--congestion-control", "congestion-control"},
        {"ns3::TcpSocket", "SndBufSize", "--socket-buffer", "socket-buffer"},
        {"ns3::TcpSocket", "RcvBufSize", "--socket-buffer", "socket-buffer"},
    };
    return table;
}

/// The current default of an attribute as text ("" if the type or attribute is unknown).
std::string
DefaultText(const Governed& g)
{
    TypeId tid;
    TypeId::AttributeInformation info;
    if (!TypeId::LookupByNameFailSafe(g.type, &tid)
        || !tid.LookupAttributeByName(g.attribute, &info))
    {
        return "";
    }
    return info.initialValue->SerializeToString(info.checker);
}

/// Split a comma-separated list, refusing empty items.
std::vector<std::string>
SplitList(const std::string& option, const std::string& text)
{
    std::vector<std::string> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ','))
    {
        if (item.empty())
        {
            throw LlmInputError(kSource,
                                option,
                                "expected a comma-separated list without empty items, got \"" + text
                                    + "\"");
        }
        out.push_back(item);
    }
    if (out.empty())
    {
        throw LlmInputError(kSource, option, "expected at least one item");
    }
    return out;
}

/// Keep every value of a repeatable option (the callback of --fail).
bool
AppendText(std::vector<std::string>* target, EdgeLlmCommandLineText value)
{
    target->push_back(value);
    return true;
}

} // namespace

LlmProgramOptions::LlmProgramOptions(CommandLine& cmd, unsigned groups)
    : m_cmd(&cmd)
    , m_groups(groups)
{
    if (groups & SCENARIO)
    {
        m_scenario.AddToCommandLine(cmd);
    }
    if (groups & SOLVER)
    {
        EdgeLlmAddTextValue(
            cmd,
            "solver",
            "Placement solver: ilp (exact, GLPK), dp, exhaustive, greedy, cloud-only, "
            "uniform-bits, edgeshard",
            m_solver);
    }
    if (groups & SOLVERS)
    {
        EdgeLlmAddTextValue(cmd,
                            "solvers",
                            "Comma-separated solvers compared in every run (default: the ILP "
                            "and the baselines; the first is the one simulated unless "
                            "--simulate-baselines)",
                            m_solversText);
    }
    if (groups & (SOLVER | SOLVERS))
    {
        EdgeLlmAddTextValue(cmd, "time-limit", "Solver time limit, s (default 60)", m_timeLimit);
        EdgeLlmAddTextValue(
            cmd,
            "gap",
            "Relative gap at which the ILP may stop, 0 <= gap < 1 (default 0: proven "
            "optimal; every plan records its proven gap)",
            m_gap);
        EdgeLlmAddTextValue(cmd,
                            "verbose",
                            "Solver log: 0 quiet, 1 summary, 2 GLPK progress",
                            m_verbose);
        EdgeLlmAddTextValue(cmd,
                            "ilp-formulation",
                            "ILP formulation: auto (server-path with one layer per server and "
                            "runs of identical layers, else layered), layered, server-path "
                            "(default auto)",
                            m_formulation);
    }
    if (groups & PLAN)
    {
        EdgeLlmAddTextValue(
            cmd,
            "plan",
            "Simulate this plan file (edge-llm-plan --output, or your own placement) "
            "instead of solving",
            m_plan);
    }
    if (groups & TRANSPORT)
    {
        for (const LlmTransportSetting::Key& k : LlmTransportSetting::Keys())
        {
            m_keys[k.name] = "";
        }
        for (const LlmTransportSetting::Key& k : LlmTransportSetting::Keys())
        {
            if (k.isFlag)
            {
                // A bool, so that the bare option (--ideal) means 1, as in every ns-3 program.
                cmd.AddValue(k.name, k.help, m_flags[k.name]);
            }
            else
            {
                EdgeLlmAddTextValue(cmd, k.name, k.help, m_keys[k.name]);
            }
        }
        EdgeLlmAddTextValue(cmd,
                            "name",
                            "Name of this transport setting (a sweep's curve label; default: the "
                            "transport, tcp or udp)",
                            m_name);
        for (const Governed& g : GovernedDefaults())
        {
            m_initial[std::string(g.type) + "::" + g.attribute] = DefaultText(g);
        }
    }
    if (groups & VARIANTS)
    {
        EdgeLlmAddTextValue(
            cmd,
            "variants",
            "More transport settings, each its own curve: \"name:key=value,...;name2:"
            "...\" with the keys of the options above (e.g. \"jumbo:mtu=9000;lossy:"
            "loss=1e-4,cc=TcpCubic\")",
            m_variants);
    }
    if (groups & OUTPUTS)
    {
        EdgeLlmAddTextValue(cmd,
                            "pcap",
                            "Write a pcap per device: PREFIX-<node>-<device>.pcap",
                            m_outputs.pcapPrefix);
        EdgeLlmAddTextValue(cmd,
                            "ascii",
                            "Write an ASCII trace of every device to this file",
                            m_outputs.asciiFile);
        EdgeLlmAddTextValue(cmd,
                            "flowmon-xml",
                            "Write FlowMonitor's XML to this file",
                            m_outputs.flowMonitorXml);
        EdgeLlmAddTextValue(cmd,
                            "netanim",
                            "Write a NetAnim trace to this XML file",
                            m_outputs.netAnimXml);
        EdgeLlmAddTextValue(
            cmd,
            "token-csv",
            "Write one row per token (times, per-layer compute and transfer) to this "
            "CSV file",
            m_outputs.tokenCsv);
        EdgeLlmAddTextValue(
            cmd,
            "placement-csv",
            "Write the placement table (analytic vs simulated per layer) to this CSV "
            "file",
            m_outputs.placementCsv);
    }
    if (groups & LINK_TRACE)
    {
        EdgeLlmAddTextValue(cmd,
                            "link-trace",
                            "Make the links' rates follow this CSV trace during the run (header "
                            "time_s,from,to,bps; rows sorted by time; the plan and T use the "
                            "static rates)",
                            m_linkTrace);
        EdgeLlmAddTextValue(
            cmd,
            "link-trace-random",
            "PERIOD:SIGMA:SEED[:HORIZON]: every PERIOD s, multiply the rate of each link the "
            "plan crosses by a log-normal factor of mean 1 (log spread SIGMA), within 0.1 ... 10 x "
            "its static rate, until HORIZON s (default 2 x requests x T); SEED 1 ... 4294967295",
            m_linkTraceRandom);
        EdgeLlmAddTextValue(
            cmd,
            "replace",
            "Re-placement while the links change: never, periodic:P (re-solve every P s of "
            "simulated time, migrate when better and worth the weight transfer) or "
            "threshold:P:THETA[:CONF[:DWELL]] (migrate when T_cur > (1 + THETA) T_best at CONF "
            "consecutive checks, at least DWELL s apart); other than never needs a link trace",
            m_replaceText);
    }
    if (groups & FAILURES)
    {
        cmd.AddValue("fail",
                     "SERVER@TIME[+REPAIR]: the server fails at TIME s (and is back REPAIR s "
                     "later, without its state); repeat the option or separate items with commas "
                     "(e.g. edge7@120,edge3@200+30)",
                     MakeBoundCallback(&AppendText, &m_fail),
                     "");
        EdgeLlmAddTextValue(cmd,
                            "fail-mtbf",
                            "MTBF[:SEED[:REPAIR[:HORIZON]]]: every server (the cloud too) fails "
                            "after exponential times of mean MTBF s (SEED 1 ... 4294967295, "
                            "default 1; back after REPAIR s, default never; drawn until HORIZON "
                            "s, default 10 x requests x T)",
                            m_failMtbf);
        EdgeLlmAddTextValue(cmd,
                            "fail-timeout",
                            "The client's failure timeout, s: a token without a result for this "
                            "long makes it look for failed servers and re-plan (default 3 x "
                            "(requests x T / n + propagation delays))",
                            m_failTimeoutText);
    }
}

namespace
{

/**
 * Check the text of an ns-3 attribute or global value before ns-3 sees it: ns-3 aborts (or
 * crashes later) on a malformed number, time or type name.
 */
void
CheckNs3Value(const std::string& option,
              const std::string& text,
              Ptr<const AttributeChecker> checker)
{
    const std::string type = checker->GetValueTypeName();
    static const std::regex time(
        R"(^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?(y|d|h|min|s|ms|us|ns|ps|fs)?$)");
    static const std::regex rate(
        R"(^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?(b|B|bps|Bps|[kKMG]i?(b|B|bps|Bps|b/s|B/s)|b/s|B/s)$)");
    if (type == "ns3::UintegerValue")
    {
        LlmTextParse::Integer(kSource, option, text, 0, UINT64_MAX, "a non-negative integer");
    }
    else if (type == "ns3::IntegerValue")
    {
        LlmTextParse::Integer(kSource,
                              option,
                              !text.empty() && text[0] == '-' ? text.substr(1) : text,
                              0,
                              INT64_MAX,
                              "an integer");
    }
    else if (type == "ns3::DoubleValue")
    {
        LlmTextParse::Number(kSource, option, text, -1.7e308, 1.7e308, "a finite number");
    }
    else if (type == "ns3::BooleanValue")
    {
        if (text != "true" && text != "false" && text != "1" && text != "0" && text != "t"
            && text != "f")
        {
            throw LlmInputError(kSource, option, "expected true or false, got \"" + text + "\"");
        }
    }
    else if (type == "ns3::TimeValue" && !std::regex_match(text, time))
    {
        throw LlmInputError(kSource, option, "expected a time such as 10ms, got \"" + text + "\"");
    }
    else if (type == "ns3::DataRateValue" && !std::regex_match(text, rate))
    {
        throw LlmInputError(kSource,
                            option,
                            "expected a data rate such as 100Mbps, got \"" + text + "\"");
    }
    else if (type == "ns3::TypeIdValue" || option == "--SimulatorImplementationType"
             || option == "--SchedulerType")
    {
        TypeId tid;
        if (!TypeId::LookupByNameFailSafe(text, &tid)
            && !TypeId::LookupByNameFailSafe("ns3::" + text, &tid))
        {
            throw LlmInputError(kSource,
                                option,
                                "expected the name of an ns-3 type, got \"" + text + "\"");
        }
        return;
    }
    // The text is well formed now, so ns-3 can read it without aborting: check the range.
    for (const char* checked : {"ns3::UintegerValue",
                                "ns3::IntegerValue",
                                "ns3::DoubleValue",
                                "ns3::TimeValue",
                                "ns3::DataRateValue"})
    {
        if (type == checked)
        {
            Ptr<AttributeValue> value = checker->Create();
            if (!value->DeserializeFromString(text, checker) || !checker->Check(*value))
            {
                throw LlmInputError(kSource,
                                    option,
                                    "expected a value within "
                                        + checker->GetUnderlyingTypeInformation() + ", got \""
                                        + text + "\"");
            }
        }
    }
}

} // namespace

void
LlmProgramOptions::Parse(int argc, char* argv[])
{
    // ns-3's own options: attribute defaults (--ns3::Type::Attribute=value, --Type::Attribute=
    // value) and global values (--SimulatorImplementationType=...), checked by their type.
    for (int i = 1; i < argc; ++i)
    {
        const std::string arg = argv[i];
        const std::size_t eq = arg.find('=');
        if (arg.rfind("--", 0) != 0 || eq == std::string::npos)
        {
            continue;
        }
        const std::string name = arg.substr(2, eq - 2);
        const std::string text = arg.substr(eq + 1);
        const std::size_t sep = name.rfind("::");
        if (sep != std::string::npos)
        {
            std::string typeName = name.substr(0, sep);
            TypeId tid;
            TypeId::AttributeInformation info;
            if (!TypeId::LookupByNameFailSafe(typeName, &tid)
                && !TypeId::LookupByNameFailSafe("ns3::" + typeName, &tid))
            {
                throw LlmInputError(kSource,
                                    "--" + name,
                                    "expected an ns-3 type before ::, \"" + typeName
                                        + "\" is none");
            }
            if (!tid.LookupAttributeByName(name.substr(sep + 2), &info))
            {
                throw LlmInputError(kSource,
                                    "--" + name,
                                    "expected an attribute of " + tid.GetName() + ", \""
                                        + name.substr(sep + 2) + "\" is none");
            }
            CheckNs3Value("--" + name, text, info.checker);
            continue;
        }
        for (auto g = GlobalValue::Begin(); g != GlobalValue::End(); ++g)
        {
            if ((*g)->GetName() == name && name != "RngRun" && name != "RngSeed")
            {
                CheckNs3Value("--" + name, text, (*g)->GetChecker());
            }
        }
    }
    for (int i = 1; i < argc; ++i)
    {
        const std::string arg = argv[i];
        for (const auto& [prefix, min, max, expected] :
             std::vector<std::tuple<std::string, uint64_t, uint64_t, std::string>>{
                 {"--RngRun=", 0, UINT64_MAX, "a run number 0 ... 18446744073709551615"},
                 {"--RngSeed=", 1, UINT32_MAX, "a seed 1 ... 4294967295"}})
        {
            if (arg.rfind(prefix, 0) == 0)
            {
                LlmTextParse::Integer(kSource,
                                      prefix.substr(0, prefix.size() - 1),
                                      arg.substr(prefix.size()),
                                      min,
                                      max,
                                      expected);
            }
        }
    }
    m_cmd->Parse(argc, argv);
    if (m_cmd->GetNExtraNonOptions() > 0)
    {
        const std::string extra = m_cmd->GetExtraNonOption(0);
        throw LlmInputError(
            kSource,
            "\"" + extra + "\"",
            "expected options only (--name=value), got an argument without "
            "--"
                + std::string(extra.find(".json") != std::string::npos
                                  ? " (a scenario file is given as --scenario=" + extra + ")"
                                  : ""));
    }
    Read();
}

void
LlmProgramOptions::Read()
{
    if (m_groups & SOLVER)
    {
        LlmSolverFactory::Create(m_solver); // refuses an unknown name, listing the known ones
    }
    if (m_groups & SOLVERS)
    {
        if (m_solversText.empty())
        {
            m_solvers = LlmBaselineComparison::DefaultSolvers();
        }
        else
        {
            m_solvers = SplitList("--solvers", m_solversText);
        }
        const std::vector<std::string> joint = LlmJointSolver::Names();
        for (const std::string& s : m_solvers)
        {
            if (std::find(joint.begin(), joint.end(), s) == joint.end())
            {
                LlmSolverFactory::Create(s); // refuses an unknown name, listing the known ones
            }
        }
    }
    if (!m_timeLimit.empty())
    {
        m_solverOptions.timeLimitSeconds = LlmTextParse::Number(kSource,
                                                                "--time-limit",
                                                                m_timeLimit,
                                                                1e-3,
                                                                1e7,
                                                                "a time limit of 0.001 ... 1e7 s");
    }
    if (!m_gap.empty())
    {
        m_solverOptions.relativeGap =
            LlmTextParse::Number(kSource, "--gap", m_gap, 0, 1, "a relative gap 0 <= gap < 1");
        if (m_solverOptions.relativeGap >= 1)
        {
            throw LlmInputError(kSource,
                                "--gap",
                                "expected a relative gap 0 <= gap < 1, got \"" + m_gap + "\"");
        }
    }
    if (!m_formulation.empty())
    {
        using F = LlmSolverOptions::Formulation;
        const std::map<std::string, F> names{{"auto", F::AUTO},
                                             {"layered", F::LAYERED},
                                             {"server-path", F::SERVER_PATH}};
        const auto it = names.find(m_formulation);
        if (it == names.end())
        {
            throw LlmInputError(kSource,
                                "--ilp-formulation",
                                "expected auto, layered or server-path, got \"" + m_formulation
                                    + "\"");
        }
        m_solverOptions.formulation = it->second;
    }
    if (!m_verbose.empty())
    {
        m_solverOptions.verbosity =
            static_cast<int>(LlmTextParse::Integer(kSource, "--verbose", m_verbose, 0, 2));
    }
    if (m_groups & TRANSPORT)
    {
        LlmTransportSetting t;
        for (const LlmTransportSetting::Key& k : LlmTransportSetting::Keys())
        {
            const std::string v = k.isFlag ? (m_flags[k.name] ? "1" : "") : m_keys[k.name];
            if (!v.empty())
            {
                t.Set(k.name, v, "--" + k.name);
            }
        }
        if (m_name.find_first_of(",;:=\"'") != std::string::npos)
        {
            throw LlmInputError(kSource,
                                "--name",
                                "expected a name free of , ; : = and quotes, got \"" + m_name
                                    + "\"");
        }
        t.name = m_name.empty() ? t.transport : m_name; // not given: the transport names it
        t.Validate("");
        for (const Governed& g : GovernedDefaults())
        {
            const std::string path = std::string(g.type) + "::" + g.attribute;
            if (DefaultText(g) == m_initial[path])
            {
                continue;
            }
            if (!g.unlessKey)
            {
                throw LlmInputError(kSource,
                                    "--" + path,
                                    std::string("this value is set by every run from ") + g.option
                                        + ": use that instead");
            }
            if (!m_keys[g.unlessKey].empty())
            {
                throw LlmInputError(kSource,
                                    "--" + path,
                                    std::string("given together with ") + g.option
                                        + ", which sets it: give one of them");
            }
        }
        m_setting = t;
        m_settings = {t};
    }
    if (!m_linkTrace.empty() && !m_linkTraceRandom.empty())
    {
        throw LlmInputError(kSource,
                            "--link-trace-random",
                            "given together with --link-trace: give one of them");
    }
    if (!m_replaceText.empty())
    {
        m_replace = LlmReplacementPolicy::Parse(m_replaceText, "--replace");
        if (m_replace->kind != LlmReplacementPolicy::Kind::NEVER && m_linkTrace.empty()
            && m_linkTraceRandom.empty())
        {
            throw LlmInputError(kSource,
                                "--replace",
                                "a re-placement policy other than never re-solves when the links "
                                "change: give --link-trace or --link-trace-random");
        }
    }
    if (!m_linkTraceRandom.empty())
    {
        const std::string option = "--link-trace-random";
        std::vector<std::string> parts;
        std::stringstream ss(m_linkTraceRandom);
        std::string part;
        while (std::getline(ss, part, ':'))
        {
            parts.push_back(part);
        }
        if (parts.size() < 3 || parts.size() > 4 || m_linkTraceRandom.back() == ':')
        {
            throw LlmInputError(kSource,
                                option,
                                "expected PERIOD:SIGMA:SEED or PERIOD:SIGMA:SEED:HORIZON (e.g. "
                                "10:0.3:1), got \""
                                    + m_linkTraceRandom + "\"");
        }
        m_random.periodSeconds = LlmTextParse::Number(kSource,
                                                      option + " PERIOD",
                                                      parts[0],
                                                      1e-9,
                                                      LlmLinkTrace::MAX_TIME_SECONDS,
                                                      "a period of 1e-9 ... 1e9 s");
        m_random.sigma = LlmTextParse::Number(kSource,
                                              option + " SIGMA",
                                              parts[1],
                                              0,
                                              5,
                                              "a log spread 0 ... 5");
        m_random.seed = static_cast<uint32_t>(LlmTextParse::Integer(kSource,
                                                                    option + " SEED",
                                                                    parts[2],
                                                                    1,
                                                                    UINT32_MAX,
                                                                    "a seed 1 ... 4294967295"));
        m_randomHorizon = parts.size() == 4;
        if (m_randomHorizon)
        {
            m_random.horizonSeconds = LlmTextParse::Number(kSource,
                                                           option + " HORIZON",
                                                           parts[3],
                                                           0,
                                                           LlmLinkTrace::MAX_TIME_SECONDS,
                                                           "a horizon of 0 ... 1e9 s");
        }
    }
    if (!m_failMtbf.empty())
    {
        const std::string option = "--fail-mtbf";
        std::vector<std::string> parts;
        std::stringstream ss(m_failMtbf);
        std::string part;
        while (std::getline(ss, part, ':'))
        {
            parts.push_back(part);
        }
        if (parts.empty() || parts.size() > 4 || m_failMtbf.back() == ':')
        {
            throw LlmInputError(kSource,
                                option,
                                "expected MTBF[:SEED[:REPAIR[:HORIZON]]] (e.g. 600 or 600:7:30), "
                                "got \""
                                    + m_failMtbf + "\"");
        }
        m_failProcess.mtbfSeconds =
            LlmTextParse::Number(kSource,
                                 option + " MTBF",
                                 parts[0],
                                 1e-9,
                                 LlmFailureSchedule::MAX_TIME_SECONDS,
                                 "a mean time between failures of 1e-9 ... 1e9 s");
        if (parts.size() > 1)
        {
            m_failProcess.seed = static_cast<uint32_t>(LlmTextParse::Integer(kSource,
                                                                             option + " SEED",
                                                                             parts[1],
                                                                             1,
                                                                             UINT32_MAX,
                                                                             "a seed 1 ... "
                                                                             "4294967295"));
        }
        if (parts.size() > 2)
        {
            m_failProcess.repairSeconds = LlmTextParse::Number(kSource,
                                                               option + " REPAIR",
                                                               parts[2],
                                                               1e-9,
                                                               LlmFailureSchedule::MAX_TIME_SECONDS,
                                                               "a repair time of 1e-9 ... 1e9 s");
        }
        m_failHorizon = parts.size() > 3;
        if (m_failHorizon)
        {
            m_failProcess.horizonSeconds =
                LlmTextParse::Number(kSource,
                                     option + " HORIZON",
                                     parts[3],
                                     0,
                                     LlmFailureSchedule::MAX_TIME_SECONDS,
                                     "a horizon of 0 ... 1e9 s");
        }
    }
    if (!m_failTimeoutText.empty())
    {
        m_failTimeout = LlmTextParse::Number(kSource,
                                             "--fail-timeout",
                                             m_failTimeoutText,
                                             1e-9,
                                             1e9,
                                             "a failure timeout of 1e-9 ... 1e9 s");
        if (m_fail.empty() && m_failMtbf.empty())
        {
            throw LlmInputError(kSource,
                                "--fail-timeout",
                                "only with --fail or --fail-mtbf (without failures nothing times "
                                "out)");
        }
    }
    if (m_groups & VARIANTS)
    {
        std::stringstream vs(m_variants);
        std::string spec;
        while (std::getline(vs, spec, ';'))
        {
            if (spec.empty())
            {
                continue;
            }
            LlmTransportSetting v = LlmTransportSetting::Parse(spec, m_setting);
            v.Validate("--variants " + v.name);
            for (const LlmTransportSetting& other : m_settings)
            {
                if (other.name == v.name)
                {
                    throw LlmInputError(kSource,
                                        "--variants",
                                        "two settings are named \"" + v.name
                                            + "\": every curve needs its own name (--name names "
                                              "the first)");
                }
            }
            m_settings.push_back(v);
        }
    }
}

const LlmScenarioOptions&
LlmProgramOptions::GetScenarioOptions() const
{
    return m_scenario;
}

LlmScenario
LlmProgramOptions::BuildScenario() const
{
    return m_scenario.Build();
}

const std::string&
LlmProgramOptions::GetSolver() const
{
    return m_solver;
}

const std::vector<std::string>&
LlmProgramOptions::GetSolvers() const
{
    return m_solvers;
}

const std::vector<std::string>&
LlmProgramOptions::ModelOverrides()
{
    static const std::vector<std::string> names{"model",
                                                "model-config",
                                                "delta",
                                                "tokens",
                                                "batch",
                                                "b-min",
                                                "b-max",
                                                "b-step",
                                                "max-layers-per-server",
                                                "access-path"};
    return names;
}

bool
LlmProgramOptions::HasSolvers() const
{
    return !m_solversText.empty();
}

const LlmSolverOptions&
LlmProgramOptions::GetSolverOptions() const
{
    return m_solverOptions;
}

const std::string&
LlmProgramOptions::GetPlanFile() const
{
    return m_plan;
}

LlmPlan
LlmProgramOptions::MakePlan(const LlmCostModel& model) const
{
    if (!m_plan.empty())
    {
        return LlmPlanReader::Load(m_plan, model);
    }
    return LlmSolverFactory::Create(m_solver, m_solverOptions)->Solve(model);
}

const LlmTransportSetting&
LlmProgramOptions::GetSetting() const
{
    return m_setting;
}

const std::vector<LlmTransportSetting>&
LlmProgramOptions::GetSettings() const
{
    return m_settings;
}

const LlmSimulationOutputs&
LlmProgramOptions::GetOutputs() const
{
    return m_outputs;
}

std::optional<LlmLinkTrace>
LlmProgramOptions::MakeLinkTrace(const LlmScenario& scenario, const LlmPlan& plan) const
{
    if (!m_linkTrace.empty())
    {
        return LlmLinkTrace::Load(m_linkTrace, scenario);
    }
    if (m_linkTraceRandom.empty() || !plan.HasPlacement())
    {
        return std::nullopt;
    }
    // The links the plan's traffic crosses, both directions: consecutive layers' servers, the
    // request source's server to the first layer's and the last layer's back to it.
    std::vector<std::size_t> path;
    const auto& user = scenario.GetUser();
    const std::string& userServer = user ? user->server : m_setting.user;
    const auto source = scenario.FindServer(userServer);
    path.push_back(source.value_or(plan.placement.front().server));
    for (const LlmLayerAssignment& a : plan.placement)
    {
        path.push_back(a.server);
    }
    path.push_back(path.front());
    std::vector<std::pair<std::string, std::string>> links;
    const auto& servers = scenario.GetServers();
    for (std::size_t k = 0; k + 1 < path.size(); ++k)
    {
        const std::string& a = servers.at(path[k]).name;
        const std::string& b = servers.at(path[k + 1]).name;
        for (const LlmLink& l : scenario.GetLinks())
        {
            if (a != b && ((l.from == a && l.to == b) || (l.from == b && l.to == a)))
            {
                links.emplace_back(l.from, l.to);
            }
        }
    }
    LlmLinkTrace::RandomProcess process = m_random;
    if (!m_randomHorizon)
    {
        process.horizonSeconds =
            std::max(2 * m_setting.requests * plan.objective, process.periodSeconds);
    }
    return LlmLinkTrace::Random(scenario, process, links, "--link-trace-random");
}

LlmFailureSchedule
LlmProgramOptions::MakeFailureSchedule(const LlmScenario& scenario, const LlmPlan& plan) const
{
    LlmFailureSchedule schedule;
    if (!m_fail.empty())
    {
        schedule = LlmFailureSchedule::Parse(m_fail, kSource, "--fail", scenario);
    }
    if (!m_failMtbf.empty())
    {
        LlmFailureSchedule::RandomProcess process = m_failProcess;
        if (!m_failHorizon)
        {
            process.horizonSeconds =
                std::min(LlmFailureSchedule::MAX_TIME_SECONDS,
                         std::max(10.0 * m_setting.requests * plan.objective, process.mtbfSeconds));
        }
        schedule.Merge(LlmFailureSchedule::Random(scenario, process, "--fail-mtbf"));
    }
    return schedule;
}

std::optional<LlmReplacementPolicy::Config>
LlmProgramOptions::GetReplacementPolicy() const
{
    return m_replace;
}

double
LlmProgramOptions::GetFailureTimeout() const
{
    return m_failTimeout;
}

} // namespace ns3
