// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_TOPOLOGY_IMPORT_H
#define LLM_TOPOLOGY_IMPORT_H

#include "ns3/llm-scenario.h"
#include "ns3/llm-topology-generator.h"

#include <cstddef>
#include <string>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief A scenario whose server graph is an ns-3 topology file, read with ns-3's
 *        topology-read module (TopologyReaderHelper: Inet, Orbis or Rocketfuel).
 *
 * Every node named in a link becomes an edge server and every link two directed links
 * (i → j and j → i, one Ω drawn for both); self-loops and repeated pairs are dropped (a
 * Rocketfuel maps file lists each link at both ends). A node that is in no link (possible in a
 * Rocketfuel maps file only) is left out. Names: when every node id is a decimal number
 * (Inet, Orbis, Rocketfuel maps) the servers are edge<id>, in increasing id; otherwise (a
 * Rocketfuel weights file names routers, e.g. "San+Jose,+CA4062") edge0, edge1, ... in the
 * order of first appearance. CCS_i, κ_i and Ω are drawn from the config's ranges and seed as
 * LlmTopologyGenerator::FromGraph says; the cloud, model and 2d follow the config.
 *
 * Link weights: the Inet weight (the third field of a link line; Inet 3.0 writes the
 * distance between the routers) is ignored unless config.weightDelay is set, which makes a
 * link's delay_s weight × weightDelay (at most 10 s); other links get the config's D2D delay.
 * ns-3's Rocketfuel reader drops the weights of a weights file, so they are never used.
 *
 * Checks ns-3's readers leave out: the file must open (the readers return an empty container
 * for a missing file), the format must be one of the three (ns-3 asserts otherwise), and an
 * Inet file's first line must be "<nodes> <links>" followed by that many node lines and link
 * lines of at least "<from> <to>" (ns-3's reader repeats the previous link for a shorter
 * line). A file without any link is refused. A Rocketfuel file whose first line matches
 * neither the maps nor the weights syntax reads as empty; ns-3 stops at the first line of a
 * different syntax, which is not detected.
 *
 * Newer ns-3 readers (3.48, not 3.37) register every node they read in ns3::Names (a second read of
 * the same ids would abort on the duplicate names), so Import clears ns3::Names after reading: name
 * your own objects after importing.
 */
class LlmTopologyImport
{
  public:
    LlmTopologyImport() = delete;

    /// What Import read and made of it.
    struct Result
    {
        LlmScenario scenario;        //!< The scenario (validated)
        std::size_t linksRead{0};    //!< Links ns-3's reader returned
        std::size_t pairs{0};        //!< Distinct pairs kept (each two directed links)
        std::size_t selfLoops{0};    //!< Links from a node to itself, dropped
        std::size_t nodesLeftOut{0}; //!< Nodes the reader returned that are in no link
    };

    /**
     * @brief Read a topology file into a scenario.
     * @param format "Inet", "Orbis" or "Rocketfuel" (ns-3's file types)
     * @param file the file
     * @param config ranges, cloud, model and seed (its generated-graph options, e.g.
     *        --edges or --density, are refused if given)
     * @return the scenario and counts
     * @throws LlmInputError naming the file (unreadable, malformed, no links) or the option
     */
    static Result Import(const std::string& format,
                         const std::string& file,
                         const LlmTopologyConfig& config);
};

} // namespace ns3

#endif // LLM_TOPOLOGY_IMPORT_H
