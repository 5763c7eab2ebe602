// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_PIPELINE_H
#define LLM_PIPELINE_H

#include "ns3/address.h"
#include "ns3/simple-ref-count.h"

#include <cstdint>
#include <memory>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief What the applications of one placement share: where each layer runs, how much work
 *        and how many output bytes it has per token, and where every server listens.
 *
 * Built by LlmPlacementHelper from a plan (and again at each re-plan after a server failure);
 * the applications only read it.
 */
struct LlmPipeline : public SimpleRefCount<LlmPipeline>
{
    /// One layer of the plan.
    struct Stage
    {
        uint32_t server{0};      //!< Index of the hosting server (s_l)
        uint8_t bits{0};         //!< b_l
        double operations{0};    //!< FLOPS_l · β · b_l / original bits: cp per token × CCS
        uint32_t outputBytes{0}; //!< β · e_l · b_l / 8 (rounded up): one token's output message
    };

    std::vector<Stage> stages;          //!< Layers in order
    std::vector<Address> serverAddress; //!< Listening address (InetSocketAddress) per server
    /// Ω_ij as the UDP senders pace at, N × N row-major (0 if no link); shared by every
    /// pipeline (epoch) of one placement, so a link trace's change reaches the plan in use
    std::shared_ptr<std::vector<double>> linkBps;
    Address clientAddress;   //!< Where results go (the request source)
    uint32_t inputBytes{0};  //!< Bytes of a token's input message (β token ids)
    uint32_t resultBytes{0}; //!< Bytes of a token's result message (β token ids)
    /// Plan version: 0 for the first plan, one more per re-plan. Each version listens on its
    /// own ports (in serverAddress and clientAddress), so that no message of an older plan
    /// reaches the applications of a newer one.
    uint32_t epoch{0};

    /**
     * @brief Ω between two servers.
     * @param i from
     * @param j to
     * @return bit/s (0 if no link)
     */
    double LinkBps(uint32_t i, uint32_t j) const
    {
        const std::size_t n = serverAddress.size();
        return (linkBps && i < n && j < n && linkBps->size() == n * n) ? (*linkBps)[i * n + j]
                                                                       : 0.0;
    }

    /**
     * @brief Whether a server hosts a layer.
     * @param i server index
     * @return true if some stage runs on server i
     */
    bool Hosts(uint32_t i) const
    {
        for (const Stage& s : stages)
        {
            if (s.server == i)
            {
                return true;
            }
        }
        return false;
    }
};

} // namespace ns3

#endif // LLM_PIPELINE_H
