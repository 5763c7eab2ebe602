// SPDX-License-Identifier: GPL-2.0-only

#ifndef EDGE_LLM_SERVER_APPLICATION_H
#define EDGE_LLM_SERVER_APPLICATION_H

#include "llm-activation-header.h"
#include "llm-compute-queue.h"
#include "llm-messenger.h"
#include "llm-pipeline.h"
#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/traced-callback.h"

#include <deque>
#include <map>

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
 *
 * With an LlmComputeQueue aggregated to its node, the server applications on the node (one
 * per LLM, each on its own port) share the node's compute: each job waits in the node's queue
 * (FIFO or round robin across the applications) instead of this server's own FIFO, then holds
 * the node for the same compute delay. Without one, the server computes alone as above.
 *
 * After a re-plan (a server failed) SetPipeline() gives a running server the new pipeline: it
 * drops the jobs of the old one, keeps the KV cache of the layers it still hosts with the same
 * bits, and listens on the new plan's port. A REPLAY message of t tokens is a layer job of t
 * times the per-token compute that rebuilds the layer's KV cache for those tokens (the prefill
 * of the tokens generated so far), then goes on to the next layer with t times the per-token
 * output; after the last layer a REPLAY_DONE goes to the request source. Crash() is the node's
 * failure: the queue, the job computing and the KV cache are lost.
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

    /**
     * @brief Start serving now rather than at the application's start time (a server a re-plan
     *        adds during the run, so that it listens before the first message of the new plan
     *        is sent). The scheduled start then does nothing.
     */
    void StartNow();

    /// @return the pipeline the server runs (null before SetPipeline)
    Ptr<const LlmPipeline> GetPipeline() const;

    /**
     * @brief The node failed: drop the queue, the job computing and the KV cache, and close the
     *        messenger. SetPipeline() on a started application brings it back.
     */
    void Crash();

    /// @return true while the server runs a pipeline (started and not crashed)
    bool IsServing() const;

    /// @return the messenger (transport) of this server
    Ptr<LlmMessenger> GetMessenger() const;

    /// @return replay jobs completed
    uint64_t GetReplayJobs() const;

    /// @return time spent computing replay jobs, s
    double GetReplaySeconds() const;

    /**
     * @brief Token jobs that ran without the KV cache of every earlier token of their request
     *        at that layer (a layer moved by a re-plan and not replayed, or an earlier token's
     *        message lost on UDP).
     * @return the count
     */
    uint64_t GetKvMisses() const;

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

    /**
     * TracedCallback signature of a replay job's end.
     * @param request request id
     * @param tokens tokens replayed (the KV cache now holds them)
     * @param layer layer index
     * @param seconds compute time of the job, s
     */
    typedef void (*ReplayTracedCallback)(uint32_t request,
                                         uint32_t tokens,
                                         uint32_t layer,
                                         double seconds);

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;

    /// A layer job: one layer for one token of one request, or for the replay of its first
    /// `token` tokens.
    struct Job
    {
        uint32_t request;   //!< Request id
        uint32_t token;     //!< Token index (replay: tokens replayed)
        uint32_t layer;     //!< Layer index
        bool replay{false}; //!< A replay job
    };

    void Receive(const LlmActivationHeader& header, const Address& from);
    void Lost(const LlmActivationHeader& header);
    void Enqueue(const Job& job);
    void StartNext();
    /// The node's compute queue granted this server's oldest job handed over to it.
    void ComputeGranted();
    /// Hand the jobs queued since to the node's compute queue, and give the node back if a
    /// job of this server just ended.
    void ShareCompute();
    void FinishJob();
    /// Drop the queue and cancel the job computing (its unfinished time is not busy time).
    void DropJobs();
    /// Open the messenger on the pipeline's port of this server.
    void Listen();

    double m_ccsHz;                    //!< CCS_i, Hz (operations per second)
    uint16_t m_port;                   //!< Listening port
    Ptr<LlmMessenger> m_messenger;     //!< Transport
    Ptr<const LlmPipeline> m_pipeline; //!< The placement
    uint32_t m_index{0};               //!< This server's index
    std::deque<Job> m_queue;           //!< Jobs waiting (FIFO)
    bool m_busy{false};                //!< A job is computing
    Job m_current{};                   //!< The job computing
    EventId m_computeEvent;            //!< End of the current job
    Ptr<LlmComputeQueue> m_compute;    //!< The node's shared compute (null: compute alone)
    std::size_t m_handedOver{0};       //!< Jobs at the queue's front handed over to m_compute
    bool m_granted{false};             //!< m_compute granted the queue's front job
    uint64_t m_jobsCompleted{0};       //!< Jobs done
    double m_busySeconds{0};           //!< Time computing
    Time m_jobEnd;                     //!< End of the job computing
    bool m_started{false};             //!< StartApplication ran (and StopApplication not)
    bool m_down{false};                //!< Crashed (the node failed)
    /// KV cache: (request, layer) -> tokens it holds
    std::map<std::pair<uint32_t, uint32_t>, uint32_t> m_kv;
    uint64_t m_kvMisses{0};    //!< Token jobs without their KV cache
    uint64_t m_replayJobs{0};  //!< Replay jobs done
    double m_replaySeconds{0}; //!< Time computing replay jobs

    TracedCallback<uint32_t, uint32_t, uint32_t> m_layerStartTrace;     //!< A layer job started
    TracedCallback<uint32_t, uint32_t, uint32_t> m_layerEndTrace;       //!< A layer job ended
    TracedCallback<const LlmActivationHeader&> m_sentTrace;             //!< A message was sent
    TracedCallback<const LlmActivationHeader&> m_receivedTrace;         //!< A message arrived
    TracedCallback<uint32_t, uint32_t, uint32_t, double> m_replayTrace; //!< A replay job ended
};

} // namespace ns3

#endif // EDGE_LLM_SERVER_APPLICATION_H
