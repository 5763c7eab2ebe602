// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_FIGURE_H
#define LLM_FIGURE_H

#include "ns3/gnuplot.h"

#include <string>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The house style of every figure edge-llm draws, and its drawing: PNG and PDF.
 *
 * - One colour per solver, fixed by the solver's name (the same in every figure and every
 *   run): a colour-blind-safe palette without yellow (Okabe-Ito). One marker per transport
 *   setting, by the setting's position in the sorted list of a run's settings.
 * - Legend inside the plot area (top left or right) when it has at most MAX_INSIDE_KEYS
 *   entries, else below the plot, horizontally.
 * - Log axes with a major tick at every decade and minor ticks between; numbers with SI prefixes
 *   and units (1 Mbit/s, 2 GHz, 10 s) instead of raw bit/s and Hz.
 * - A caption line under the title: the runs per point and what the error bars are.
 * - Vector (PDF, pdfcairo) beside raster (PNG, pngcairo) from one gnuplot script; a file
 *   gnuplot leaves empty is removed and reported, never left as a 0-byte figure.
 */
class LlmFigure
{
  public:
    /// At most this many legend entries go inside the plot area (more would hide curves).
    static constexpr std::size_t MAX_INSIDE_KEYS = 3;

    /// The unit of a numeric axis.
    enum class Unit
    {
        NONE,      //!< A plain number (ratios)
        SECONDS,   //!< s, with SI prefixes below 1 (ms, µs)
        BIT_PER_S, //!< bit/s with SI prefixes (kbit/s, Mbit/s, Gbit/s)
        HERTZ,     //!< Hz with SI prefixes (MHz, GHz)
        COUNT      //!< A count (servers, runs)
    };

    /**
     * @brief The colour of a solver: fixed per known name, a stable hash for others.
     * @param solver the solver name
     * @return an RGB colour "#rrggbb"
     */
    static std::string SolverColour(const std::string& solver);

    /**
     * @brief The colour of the k-th setting, for figures of one solver and several settings
     *        (there the settings differ by colour and marker, the solver's analytic curves
     *        keep the solver's colour).
     * @param k position of the setting in the sorted settings of the run
     * @return an RGB colour "#rrggbb", never the colour of ilp
     */
    static std::string SettingColour(std::size_t k);

    /**
     * @brief The gnuplot point type of the k-th setting (k from 0).
     * @param k position of the setting in the sorted settings of the run
     * @return a gnuplot point type (filled circle, square, triangle, diamond, ...)
     */
    static int SettingMarker(std::size_t k);

    /**
     * @brief The caption line: runs per point and the error bars.
     * @param minRuns fewest runs behind a point
     * @param maxRuns most runs behind a point
     * @param errorBars true if the figure draws error bars
     * @return e.g. "10 runs per point; error bars: 95 % confidence interval (Student t)"
     */
    static std::string Caption(uint32_t minRuns, uint32_t maxRuns, bool errorBars);

    /**
     * @brief Gnuplot commands for one axis: label with its unit, log scale with decade ticks,
     *        SI-prefixed tick labels.
     * @param axis "x" or "y"
     * @param label the quantity, without unit (e.g. "min link speed Ω")
     * @param unit its unit
     * @param logScale true for a log axis
     * @param lo smallest value drawn on the axis (log axes: its decade starts the range)
     * @param hi largest value drawn on the axis
     * @return the commands, one per line
     */
    static std::string Axis(const std::string& axis,
                            const std::string& label,
                            Unit unit,
                            bool logScale,
                            double lo,
                            double hi);

    /**
     * @brief Gnuplot commands placing the legend.
     * @param entries the number of legend entries
     * @param left true to put an inside legend on the left (data high on the right)
     * @return "set key inside ..." or "set key below ..."
     */
    static std::string Key(std::size_t entries, bool left);

    /**
     * @brief The line style of a dataset.
     * @param colour "#rrggbb"
     * @param marker gnuplot point type (0: none)
     * @param dashType gnuplot dash type (1 solid, 2 dashed, 3 dotted, ...)
     * @return the dataset's extra text ("lc rgb ... pt ... dt ...")
     */
    static std::string Style(const std::string& colour, int marker, int dashType);

    /**
     * @brief Write base.plt and run gnuplot on it: base.png (pngcairo) and base.pdf
     *        (pdfcairo) from the same plot.
     * @param plot the plot (title, legend, extra and datasets set; terminal and output are set
     *        here)
     * @param base the path without extension
     * @return notes for the user (gnuplot missing or failed, an empty file removed), one per
     *         line; empty when both files were written
     */
    static std::string Draw(Gnuplot& plot, const std::string& base);
};

} // namespace ns3

#endif // LLM_FIGURE_H
