// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_LINK_TRACE_H
#define LLM_LINK_TRACE_H

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ns3
{

class LlmScenario;

/**
 * @ingroup edge-llm
 * @brief Link capacities Ω_ij(t) that change during a run: a CSV trace or a seeded random
 *        process, checked against a scenario.
 *
 * A trace is a list of rows (time, link i → j, bit/s), sorted by time. Ω_ij(t) is the rate of
 * the link's last row at or before t, and the scenario's static Ω_ij before its first row (a
 * link without a row keeps its static rate throughout). The trace changes existing links only:
 * every row names two servers of the scenario joined by a link in that direction.
 *
 * The CSV file has the header line `time_s,from,to,bps`, then one row per change:
 * @code
 *   time_s,from,to,bps
 *   0,edge3,edge7,5e7
 *   30,edge3,edge7,2e8
 * @endcode
 * Spaces around a field and a CR before the line end are ignored, as are blank lines. Every bad
 * row is refused with an LlmInputError naming the file, the line and the field, e.g.
 * `trace.csv: line 7: time_s: expected rows sorted by time, got 3 after 5`: an empty file, a
 * header other than the one above, a missing or extra column, a value that is not a number, a
 * negative time, rows out of time order, two rows for one link at the same time, an unknown
 * server or a direction without a link, and a rate that is not positive, below the scenario's
 * plausible link speed (LlmScenario::MIN_PLAUSIBLE_BPS, with the same hint, unless the scenario
 * accepts implausible units) or outside what a point-to-point device can send (1 ... 9e18
 * bit/s).
 *
 * The class has no simulator in it: LlmSimulation::SetLinkTrace makes the simulated links
 * follow a trace.
 */
class LlmLinkTrace
{
  public:
    /// One change of one link's rate.
    struct Row
    {
        double timeSeconds{0}; //!< t, s of simulated time (≥ 0)
        std::string from;      //!< Name of server i
        std::string to;        //!< Name of server j
        double bps{0};         //!< Ω_ij from t on, bit/s
        std::size_t line{0};   //!< Line of the CSV file (0: generated)

        /**
         * @brief Equality of time, link and rate (not the line).
         * @param o the other row
         * @return true if equal
         */
        bool operator==(const Row& o) const
        {
            return timeSeconds == o.timeSeconds && from == o.from && to == o.to && bps == o.bps;
        }
    };

    /**
     * @brief The random process of Random(): every period, each link's Ω is multiplied by an
     *        independent log-normal factor of mean 1, exp(σ·Z − σ²/2) with Z standard normal,
     *        and clamped to [minFactor, maxFactor] × its static Ω_ij (and to at least
     *        LlmScenario::MIN_PLAUSIBLE_BPS), rounded to a whole bit/s.
     */
    struct RandomProcess
    {
        double periodSeconds{1};   //!< Time between changes, s (> 0)
        double sigma{0.3};         //!< σ of the log of each factor (0: the rates never change)
        uint32_t seed{1};          //!< Seed ≥ 1: the MRG32k3a substream (as RngRun)
        double horizonSeconds{60}; //!< Last change at or before this time, s (links keep their
                                   //!< last rate after it)
        double minFactor{0.1};     //!< Lowest rate, × the static Ω_ij (0 < minFactor ≤ 1)
        double maxFactor{10};      //!< Highest rate, × the static Ω_ij (≥ 1)
    };

    /// Most rows a trace may have (a file or a random process).
    static constexpr std::size_t MAX_ROWS = 1000000;
    /// Largest rate, bit/s: what a point-to-point device's DataRate can hold.
    static constexpr double MAX_BPS = 9e18;
    /// Latest change time, s.
    static constexpr double MAX_TIME_SECONDS = 1e9;

    /// An empty trace: every link keeps its static rate.
    LlmLinkTrace() = default;

    /**
     * @brief Read and check a CSV trace file.
     * @param path the file
     * @param scenario the scenario whose links the rows name
     * @return the trace
     * @throws LlmInputError on an unreadable file or any bad row (file, line, field)
     */
    static LlmLinkTrace Load(const std::string& path, const LlmScenario& scenario);

    /**
     * @brief Parse and check CSV trace text.
     * @param text the CSV text
     * @param source the name errors give (usually the file name)
     * @param scenario the scenario whose links the rows name
     * @return the trace
     * @throws LlmInputError on any bad row (source, line, field)
     */
    static LlmLinkTrace Parse(const std::string& text,
                              const std::string& source,
                              const LlmScenario& scenario);

    /**
     * @brief Draw a trace from the random process (RandomProcess), the same for the same
     *        scenario, process and seed on every platform.
     *
     * Link k of the scenario's link list draws from its own MRG32k3a stream k, substream seed,
     * so a link's rates do not depend on which other links are drawn. Changes fall at period,
     * 2 × period, ... up to the horizon; rows at one time are in the scenario's link order.
     * @param scenario the scenario (its links' static Ω_ij start each process)
     * @param process period, σ, seed, horizon and clamp range
     * @param links the links to draw, as (from, to) server names (empty: every link)
     * @param source the name the trace and its errors give
     * @return the trace
     * @throws LlmInputError on a bad process value, an unknown link, or more than MAX_ROWS rows
     */
    static LlmLinkTrace Random(const LlmScenario& scenario,
                               const RandomProcess& process,
                               const std::vector<std::pair<std::string, std::string>>& links = {},
                               const std::string& source = "random link trace");

    /**
     * @brief Ω_ij at time t.
     * @param from name of server i
     * @param to name of server j
     * @param t time, s
     * @return the rate of the link's last row at or before t, else its static rate, bit/s
     * @throws LlmInputError if the scenario of the trace has no such link
     */
    double GetBps(const std::string& from, const std::string& to, double t) const;

    /// @return the rows, sorted by time
    const std::vector<Row>& GetRows() const;
    /// @return the links the rows name, (from, to), in the order of their first row
    std::vector<std::pair<std::string, std::string>> GetLinks() const;
    /// @return the file name or the source given (empty for an empty trace)
    const std::string& GetSource() const;
    /// @return true without rows
    bool IsEmpty() const;
    /**
     * @brief The scenario's Ω_ij of a link the trace knows.
     * @param from name of server i
     * @param to name of server j
     * @return bit/s
     * @throws LlmInputError if the scenario of the trace has no such link
     */
    double GetStaticBps(const std::string& from, const std::string& to) const;
    /// @return the largest static Ω_ij / row rate over the rows (at least 1): how much slower
    ///         than the scenario a link becomes at worst
    double GetMaxSlowdown() const;

    /// @return the trace as CSV text, readable by Parse (numbers in their shortest exact form)
    std::string ToCsv() const;
    /**
     * @brief Write ToCsv() to a file.
     * @param path the file
     * @throws LlmInputError if it cannot be written
     */
    void Save(const std::string& path) const;

  private:
    /// Remember the static Ω_ij of every link of the scenario.
    void SetStatic(const LlmScenario& scenario);

    std::string m_source;                                           //!< File or source name
    std::vector<Row> m_rows;                                        //!< Rows, sorted by time
    std::map<std::pair<std::string, std::string>, double> m_static; //!< Static Ω_ij per link
};

} // namespace ns3

#endif // LLM_LINK_TRACE_H
