// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_FAILURE_SCHEDULE_H
#define LLM_FAILURE_SCHEDULE_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ns3
{

class LlmScenario;

/**
 * @ingroup edge-llm
 * @brief When servers fail during a run (and when they come back): a list given by hand or
 *        drawn from an exponential failure process, checked against a scenario.
 *
 * A failure takes a server down at a time (s of simulated time); with a repair time it comes
 * back that long after, without the state it held (its queue, jobs and KV cache are lost), else
 * it stays down. Items are written `SERVER@TIME[+REPAIR]`, several separated by commas:
 * @code
 *   edge7@120            edge7 fails at 120 s, for good
 *   edge7@120+30         edge7 fails at 120 s and is back at 150 s
 *   edge7@120,edge3@200  two failures
 * @endcode
 * Every bad item is refused with an LlmInputError naming the source (the option), the item
 * (its number and text) and the field, e.g.
 * `command line: --fail item 2 (mars@10): server: expected the name of a scenario server, got
 * "mars"`: an empty item, no `@`, an unknown server, a time that is not a number, negative or
 * above MAX_TIME_SECONDS, a repair time that is not a positive number, and a failure of a
 * server that is still down then (failed for good, or not yet repaired).
 *
 * The random process (Random()) gives every server of the scenario (the cloud included) its own
 * failure clock: the time to its next failure is exponential with mean MTBF, drawn from
 * MRG32k3a stream k for server k (so a server's failures do not depend on the others'); with a
 * repair time the clock restarts when the server is back. Failures are drawn up to a horizon.
 *
 * The class has no simulator in it: LlmSimulation::SetFailureSchedule makes the run follow it.
 */
class LlmFailureSchedule
{
  public:
    /// One failure of one server.
    struct Failure
    {
        std::string server;                  //!< Name of the server
        double timeSeconds{0};               //!< When it goes down, s of simulated time
        std::optional<double> repairSeconds; //!< Down for this long, s (empty: for good)
        std::string item;                    //!< The item it was read from ("" if drawn)

        /**
         * @brief Equality of server, time and repair (not the item text).
         * @param o the other failure
         * @return true if equal
         */
        bool operator==(const Failure& o) const
        {
            return server == o.server && timeSeconds == o.timeSeconds
                   && repairSeconds == o.repairSeconds;
        }
    };

    /// The exponential failure process of Random().
    struct RandomProcess
    {
        double mtbfSeconds{600};             //!< Mean time between failures of a server, s
        uint32_t seed{1};                    //!< Seed ≥ 1: the MRG32k3a substream (as RngRun)
        std::optional<double> repairSeconds; //!< Repair time, s (empty: a failed server stays
                                             //!< down)
        double horizonSeconds{3600};         //!< No failure drawn after this time, s
    };

    /// Latest failure time and longest repair, s.
    static constexpr double MAX_TIME_SECONDS = 1e9;
    /// Most failures a schedule may hold.
    static constexpr std::size_t MAX_FAILURES = 100000;

    /// An empty schedule: no server fails.
    LlmFailureSchedule() = default;

    /**
     * @brief Read failure items.
     * @param items the option's values, each one item or a comma-separated list of items
     * @param source the name errors give (e.g. "command line")
     * @param option the option named in errors (e.g. "--fail")
     * @param scenario the scenario whose servers the items name
     * @return the schedule, sorted by time
     * @throws LlmInputError naming the first bad item
     */
    static LlmFailureSchedule Parse(const std::vector<std::string>& items,
                                    const std::string& source,
                                    const std::string& option,
                                    const LlmScenario& scenario);

    /**
     * @brief Draw failures from the exponential process, the same for the same scenario,
     *        process and seed on every platform.
     * @param scenario the scenario (every server gets a failure clock)
     * @param process MTBF, seed, repair time and horizon
     * @param source the name the schedule and its errors give
     * @return the schedule, sorted by time
     * @throws LlmInputError on a bad process value or more than MAX_FAILURES failures
     */
    static LlmFailureSchedule Random(const LlmScenario& scenario,
                                     const RandomProcess& process,
                                     const std::string& source = "random failures");

    /**
     * @brief Add another schedule's failures (e.g. --fail items and the random process).
     * @param other the other schedule
     * @throws LlmInputError if a server would fail while it is still down
     */
    void Merge(const LlmFailureSchedule& other);

    /// @return the failures, sorted by time (then server name)
    const std::vector<Failure>& GetFailures() const;
    /// @return the option or source given (empty for an empty schedule)
    const std::string& GetSource() const;
    /// @return true without failures
    bool IsEmpty() const;
    /// @return the failures as items, comma-separated ("edge7@120+30,edge3@200")
    std::string ToText() const;

  private:
    /// Sort the failures and refuse a server that fails while it is still down.
    void SortAndCheck();

    std::string m_source;            //!< Source of the schedule (errors name it)
    std::string m_option;            //!< Option of the items (errors name it; may be empty)
    std::vector<Failure> m_failures; //!< Failures, sorted by time
};

} // namespace ns3

#endif // LLM_FAILURE_SCHEDULE_H
