// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_RUN_RECORDER_H
#define LLM_RUN_RECORDER_H

#include "llm-placement-helper.h"
#include "ns3/nstime.h"

#include <map>
#include <tuple>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief Records a simulated run through the applications' trace sources: per-layer compute and
 *        transfer time, tokens done and failed, and stops the simulation at the last token.
 *
 * Connect() after LlmPlacementHelper::Install(). Compute time of layer l is LayerEnd − LayerStart
 * summed over tokens (queueing excluded); transfer time of layer l is the time from sending its
 * output until the next layer's server has it complete, summed over tokens.
 */
class LlmRunRecorder
{
  public:
    /// Simulated totals of one layer.
    struct Layer
    {
        double computeSeconds{0};  //!< Σ over tokens of the layer's compute
        double transferSeconds{0}; //!< Σ over tokens of the transfer of its output
        uint64_t jobs{0};          //!< Jobs computed
        uint64_t transfers{0};     //!< Outputs delivered to another server
    };

    /// One token of one request, as simulated.
    struct Token
    {
        uint32_t request{0};                 //!< Request id
        uint32_t token{0};                   //!< Token index
        bool completed{false};               //!< Its result arrived
        bool failed{false};                  //!< Given up (lost message, timeout)
        double startSeconds{-1};             //!< Its input left the client (−1: not started)
        double endSeconds{-1};               //!< Result or failure (−1: unfinished)
        std::vector<double> computeSeconds;  //!< Per layer: LayerEnd − LayerStart
        std::vector<double> transferSeconds; //!< Per layer: its output's transfer
    };

    /**
     * @brief Connect to the applications of a helper.
     * @param helper the helper after Install()
     * @param stopWhenDone stop the simulator when every request has finished
     */
    void Connect(LlmPlacementHelper& helper, bool stopWhenDone = true);

    /**
     * @brief Connect to one more server application (one a re-plan started during the run).
     * @param app the server application
     */
    void ConnectServer(Ptr<EdgeLlmServerApplication> app);

    /// @return per-layer totals
    const std::vector<Layer>& GetLayers() const;

    /// @return every token started, by request then token
    std::vector<Token> GetTokens() const;

    /// @return Σ of layer compute, s
    double GetComputeSeconds() const;

    /// @return Σ of layer transfers, s
    double GetTransferSeconds() const;

  private:
    /// Stop the simulator now (the last token is done).
    static void StopNow();
    void LayerStart(uint32_t request, uint32_t token, uint32_t layer);
    void LayerEnd(uint32_t request, uint32_t token, uint32_t layer);
    void Sent(const LlmActivationHeader& h);
    void Received(const LlmActivationHeader& h);
    void TokenStart(uint32_t request, uint32_t token);
    void TokenDone(uint32_t request, uint32_t token, Time latency);
    void TokenFailed(uint32_t request, uint32_t token);
    /// @return the record of a token, created on first use
    Token& At(uint32_t request, uint32_t token);

    using Key = std::tuple<uint32_t, uint32_t, uint32_t>;    //!< request, token, layer
    std::vector<Layer> m_layers;                             //!< Per layer
    std::map<Key, Time> m_started;                           //!< Layer jobs computing
    std::map<Key, Time> m_inFlight;                          //!< Activations sent, not yet received
    std::map<std::pair<uint32_t, uint32_t>, Token> m_tokens; //!< Per (request, token)
};

} // namespace ns3

#endif // LLM_RUN_RECORDER_H
