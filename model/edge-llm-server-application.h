// SPDX-License-Identifier: GPL-2.0-only

#ifndef EDGE_LLM_SERVER_APPLICATION_H
#define EDGE_LLM_SERVER_APPLICATION_H

#include "llm-activation-header.h"
#include "llm-messenger.h"
#include "llm-pipeline.h"
#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/traced-callback.h"

#include <deque>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief An edge (or cloud) server running the LLM layers a placement gives it.
 *
 * When the activation for (request, token, layer) has fully arrived, the layer job waits in a
 * FIFO queue (one job at a time per server), then holds the server for the compute delay of
 * that layer for one token, cp(l, i, b)/n = FLOPS_l · β / CCS_i · b / original bits (eq. 3 per
 * token). Then the next layer runs here if it is local, or its input (β · e_l · b_l / 8 bytes
 * plus header) is sent to the next layer's server; after the last layer the result goes to the
 * request source.
 */
class EdgeLlmServerApplication : public Application
{
  public:
    /**
     * @brief Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();

    EdgeLlmServerApplication();
    ~EdgeLlmServerApplication() override;

    /**
     * @brief Give the server its placement.
     * @param pipeline the shared pipeline of the plan
     * @param index this server's index in the pipeline
     */
    void SetPipeline(Ptr<const LlmPipeline> pipeline, uint32_t index);

    /// @return the messenger (transport) of this server
    Ptr<LlmMessenger> GetMessenger() const;

    /// @return layer jobs completed
    uint64_t GetJobsCompleted() const;

    /// @return total time spent computing, s
    double GetBusySeconds() const;

    /**
     * TracedCallback signature of the layer traces.
     * @param request request id
     * @param token token index
     * @param layer layer index
     */
    typedef void (*LayerTracedCallback)(uint32_t request, uint32_t token, uint32_t layer);

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;

    /// A layer job: one layer for one token of one request.
    struct Job
    {
        uint32_t request; //!< Request id
        uint32_t token;   //!< Token index
        uint32_t layer;   //!< Layer index
    };

    void Receive(const LlmActivationHeader& header, const Address& from);
    void Lost(const LlmActivationHeader& header);
    void Enqueue(const Job& job);
    void StartNext();
    void FinishJob();

    double m_ccsHz;                    //!< CCS_i, Hz (operations per second)
    uint16_t m_port;                   //!< Listening port
    Ptr<LlmMessenger> m_messenger;     //!< Transport
    Ptr<const LlmPipeline> m_pipeline; //!< The placement
    uint32_t m_index{0};               //!< This server's index
    std::deque<Job> m_queue;           //!< Jobs waiting (FIFO)
    bool m_busy{false};                //!< A job is computing
    Job m_current{};                   //!< The job computing
    EventId m_computeEvent;            //!< End of the current job
    uint64_t m_jobsCompleted{0};       //!< Jobs done
    double m_busySeconds{0};           //!< Time computing

    TracedCallback<uint32_t, uint32_t, uint32_t> m_layerStartTrace; //!< A layer job started
    TracedCallback<uint32_t, uint32_t, uint32_t> m_layerEndTrace;   //!< A layer job ended
    TracedCallback<const LlmActivationHeader&> m_sentTrace;         //!< A message was sent
    TracedCallback<const LlmActivationHeader&> m_receivedTrace;     //!< A message arrived
};

} // namespace ns3

#endif // EDGE_LLM_SERVER_APPLICATION_H
