// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_PROGRAM_OPTIONS_H
#define LLM_PROGRAM_OPTIONS_H

#include "llm-simulation.h"
#include "llm-transport-setting.h"
#include "ns3/llm-failure-schedule.h"
#include "ns3/llm-link-trace.h"
#include "ns3/llm-placement-solver.h"
#include "ns3/llm-replacement-policy.h"
#include "ns3/llm-scenario-options.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

class CommandLine;

/**
 * @ingroup edge-llm
 * @brief The options every edge-llm program shares, registered in one place and read strictly:
 *        the scenario (--scenario, --model, --delta, ...), the solver (--solver or --solvers,
 *        --time-limit, --gap, --plan), the transport setting (--transport, --mtu, --loss, ...,
 *        see LlmTransportSetting) and the output files (--pcap, --ascii, --flowmon-xml,
 *        --netanim, --token-csv, --placement-csv) and links that change during the run
 *        (--link-trace, --link-trace-random).
 *
 * Construct before CommandLine::Parse (so that --ns3::... overrides can be told apart), parse,
 * then call Read(). Every value arrives as text and is checked whole: `--mtu=1500.7`,
 * `--requests=-1` and `--loss=inf` are refused with the option named. An ns-3 default the run
 * sets itself (e.g. `--ns3::TcpSocket::SegmentSize=536`, which the MTU decides) is refused with
 * the option that governs it; one the run leaves alone is honoured.
 */
class LlmProgramOptions
{
  public:
    /// Option groups a program takes.
    enum Group : unsigned
    {
        SCENARIO = 1,     //!< --scenario and its overrides
        SOLVER = 2,       //!< --solver, --time-limit, --gap, --verbose
        SOLVERS = 4,      //!< --solvers (a list), --time-limit, --gap
        PLAN = 8,         //!< --plan: simulate a given plan file
        TRANSPORT = 16,   //!< the LlmTransportSetting keys, --name
        VARIANTS = 32,    //!< --variants: more transport settings
        OUTPUTS = 64,     //!< --pcap, --ascii, --flowmon-xml, --netanim, --token-csv, ...
        LINK_TRACE = 128, //!< --link-trace, --link-trace-random: Ω_ij(t) during the run
        FAILURES = 256,   //!< --fail, --fail-mtbf, --fail-timeout: servers that fail
    };

    /**
     * @brief Register the groups' options on a command line.
     * @param cmd the command line (not yet parsed)
     * @param groups a bitwise or of Group values
     */
    LlmProgramOptions(CommandLine& cmd, unsigned groups);

    /**
     * @brief Parse the command line, then Read().
     *
     * Before ns-3 sees them, checks the values of ns-3's own --RngRun and --RngSeed (ns-3 aborts
     * on a bad one); after parsing, refuses positional arguments (a file name without
     * --scenario= would otherwise be ignored).
     * @param argc argument count
     * @param argv arguments
     * @throws LlmInputError naming the first bad argument
     */
    void Parse(int argc, char* argv[]);

    /**
     * @brief Check and convert every option given, after CommandLine::Parse.
     * @throws LlmInputError naming the first bad option
     */
    void Read();

    /// @return the scenario options
    const LlmScenarioOptions& GetScenarioOptions() const;
    /**
     * @brief Load the scenario and apply the overrides.
     * @return the scenario
     * @throws LlmInputError on a bad file or override
     */
    LlmScenario BuildScenario() const;

    /// @return --solver
    const std::string& GetSolver() const;
    /// @return --solvers
    const std::vector<std::string>& GetSolvers() const;

    /**
     * @brief The SCENARIO options that set the one model of a version-1 scenario (its model,
     *        δ, n, β, bits, layers per server, access path): a several-model scenario (version
     *        2) sets them per model, so the programs refuse them with one.
     * @return option names without "--"
     */
    static const std::vector<std::string>& ModelOverrides();

    /// @return whether --solvers was given (else GetSolvers() is the ILP and the baselines)
    bool HasSolvers() const;
    /// @return --time-limit, --gap
    const LlmSolverOptions& GetSolverOptions() const;
    /// @return --plan (empty: solve)
    const std::string& GetPlanFile() const;
    /**
     * @brief The plan: read from --plan and checked against the scenario, or solved with
     *        --solver.
     * @param model the cost model of the scenario
     * @return the plan (may have no placement: its status and message say why)
     * @throws LlmInputError on a plan file that does not fit the scenario
     */
    LlmPlan MakePlan(const LlmCostModel& model) const;

    /// @return the transport setting of the options
    const LlmTransportSetting& GetSetting() const;
    /// @return the setting of the options, then one per --variants entry
    const std::vector<LlmTransportSetting>& GetSettings() const;
    /// @return the output files
    const LlmSimulationOutputs& GetOutputs() const;

    /**
     * @brief The link trace of the options: read from --link-trace, or drawn by
     *        --link-trace-random=PERIOD:SIGMA:SEED[:HORIZON] on the links the plan's traffic
     *        crosses (both directions; horizon default 2 × requests × T, at least one period).
     * @param scenario the scenario the trace's rows name
     * @param plan the plan to be simulated
     * @return the trace, or nothing without either option
     * @throws LlmInputError on a bad trace file or random process
     */
    std::optional<LlmLinkTrace> MakeLinkTrace(const LlmScenario& scenario,
                                              const LlmPlan& plan) const;

    /**
     * @brief The failure schedule of the options: the --fail items (repeatable, each one item
     *        or a comma-separated list) and the --fail-mtbf=MTBF[:SEED[:REPAIR[:HORIZON]]]
     *        process over every server (horizon default 10 × requests × T, at least MTBF).
     * @param scenario the scenario whose servers the items name
     * @param plan the plan to be simulated
     * @return the schedule (empty without either option)
     * @throws LlmInputError naming the bad item or value
     */
    LlmFailureSchedule MakeFailureSchedule(const LlmScenario& scenario, const LlmPlan& plan) const;

    /// @return --fail-timeout, s (0: not given, the run's default)
    double GetFailureTimeout() const;

    /// @return the --replace policy (nothing: not given)
    std::optional<LlmReplacementPolicy::Config> GetReplacementPolicy() const;

  private:
    CommandLine* m_cmd;                           //!< The command line
    unsigned m_groups;                            //!< Groups registered
    LlmScenarioOptions m_scenario;                //!< Scenario options
    std::string m_solver{"ilp"};                  //!< --solver
    std::string m_solversText;                    //!< --solvers (empty: the program's default)
    std::vector<std::string> m_solvers;           //!< --solvers
    std::string m_timeLimit;                      //!< --time-limit, as given
    std::string m_gap;                            //!< --gap, as given
    std::string m_formulation;                    //!< --ilp-formulation, as given
    std::string m_verbose;                        //!< --verbose, as given
    LlmSolverOptions m_solverOptions;             //!< Solver options
    std::string m_plan;                           //!< --plan
    std::map<std::string, std::string> m_keys;    //!< Transport keys, as given
    std::map<std::string, bool> m_flags;          //!< Transport flag keys
    std::string m_name;                           //!< --name (empty: the transport)
    std::string m_variants;                       //!< --variants, as given
    LlmTransportSetting m_setting;                //!< The setting
    std::vector<LlmTransportSetting> m_settings;  //!< Setting and variants
    LlmSimulationOutputs m_outputs;               //!< Output files
    std::string m_linkTrace;                      //!< --link-trace
    std::string m_linkTraceRandom;                //!< --link-trace-random, as given
    LlmLinkTrace::RandomProcess m_random;         //!< --link-trace-random, read
    bool m_randomHorizon{false};                  //!< --link-trace-random gave a horizon
    std::map<std::string, std::string> m_initial; //!< ns-3 defaults before parsing
    std::vector<std::string> m_fail;              //!< --fail, each time it is given
    std::string m_failMtbf;                       //!< --fail-mtbf, as given
    /// --fail-mtbf, read
    LlmFailureSchedule::RandomProcess m_failProcess;
    bool m_failHorizon{false};     //!< --fail-mtbf gave a horizon
    std::string m_failTimeoutText; //!< --fail-timeout, as given
    double m_failTimeout{0};       //!< --fail-timeout, s
    std::string m_replaceText;     //!< --replace, as given
    /// --replace, read
    std::optional<LlmReplacementPolicy::Config> m_replace;
};

} // namespace ns3

#endif // LLM_PROGRAM_OPTIONS_H
