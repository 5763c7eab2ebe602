// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SIMULATION_OUTPUTS_H
#define LLM_SIMULATION_OUTPUTS_H

#include <string>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Files a run writes, each optional (empty: not written).
 */
struct LlmSimulationOutputs
{
    std::string pcapPrefix;     //!< pcap per device, ns-3's EnablePcapAll naming (prefix-N-D.pcap)
    std::string asciiFile;      //!< ASCII trace of every device (EnableAsciiAll)
    std::string flowMonitorXml; //!< FlowMonitor::SerializeToXmlFile
    std::string netAnimXml;     //!< NetAnim AnimationInterface trace, servers named
    std::string tokenCsv;       //!< One row per token: times and per-layer compute/transfer
    std::string placementCsv;   //!< The placement table: layer, server, bits, analytic costs
};

} // namespace ns3

#endif // LLM_SIMULATION_OUTPUTS_H
