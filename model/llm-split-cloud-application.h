// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_SPLIT_CLOUD_APPLICATION_H
#define LLM_SPLIT_CLOUD_APPLICATION_H

#include "llm-activation-header.h"
#include "llm-messenger.h"
#include "ns3/address.h"
#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/traced-callback.h"

#include <deque>
#include <map>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The cloud server of adaptive split computing, shared by K devices
 *        (LlmSplitDeviceApplication).
 *
 * Every complete activation message is a job: the back end of the LLM for one step of one
 * request (token 0: the prefill, PrefillCompute; else DecodeCompute). Jobs wait in one FIFO
 * queue and compute one at a time, so devices contend for the cloud: the busy time and every
 * job's queueing delay (from its arrival complete to its start) are recorded. When a job ends,
 * its token id (TokenIdBytes plus the header) goes back to the device's Port (ReplyPort).
 *
 * CLOUD_ONLY mode: the message is the prompt (token 0); the cloud runs every layer and, after
 * step w, queues step w + 1 of the same request itself (behind the jobs already waiting), up
 * to Tokens steps, streaming each token id back.
 *
 * A message with request id HELLO_ID carries no work: the cloud answers it with an empty
 * TOKEN_DONE of the same id, so that a device can open both TCP connections before its first
 * request (LlmSplitDeviceApplication's Handshake).
 *
 * A message the messenger reports lost (UDP reassembly timeout) is answered with TOKEN_FAILED
 * to its device when the device is known (an earlier message of it arrived); otherwise the
 * device's TokenTimeout catches it.
 */
class LlmSplitCloudApplication : public Application
{
  public:
    /// What the cloud computes.
    enum Mode
    {
        SPLIT,     //!< The back end per step; the device drives each step
        CLOUD_ONLY //!< Every layer; the cloud generates all Tokens steps of a request
    };

    /// Request id of the empty messages that open the connections (never a request's id).
    static constexpr uint32_t HELLO_ID = 0xffffffff;

    /**
     * @brief Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();

    LlmSplitCloudApplication();
    ~LlmSplitCloudApplication() override;

    /// @return the messenger (transport)
    Ptr<LlmMessenger> GetMessenger() const;
    /// @return jobs computed
    uint64_t GetJobsCompleted() const;
    /// @return time spent computing
    Time GetBusyTime() const;
    /// @return queueing delay of every job started, in start order
    const std::vector<Time>& GetQueueingDelays() const;
    /// @return the longest queue seen (jobs waiting, not counting the one computing)
    uint32_t GetMaxQueueLength() const;

    /**
     * TracedCallback signature of a job's start.
     * @param request request id on the wire (device index in the upper 16 bits)
     * @param token token index w
     * @param queueing time the job waited in the queue
     */
    typedef void (*JobStartTracedCallback)(uint32_t request, uint32_t token, Time queueing);

    /**
     * TracedCallback signature of a job's end.
     * @param request request id on the wire
     * @param token token index w
     */
    typedef void (*JobTracedCallback)(uint32_t request, uint32_t token);

  protected:
    void DoDispose() override;

  private:
    void StartApplication() override;
    void StopApplication() override;

    /// One step of one request.
    struct Job
    {
        uint32_t request; //!< Request id on the wire
        uint32_t token;   //!< Token index w
        Address device;   //!< Where its token id goes
        Time enqueued;    //!< When it joined the queue
    };

    /**
     * @brief A message arrived complete.
     * @param h its header
     * @param from its sender
     */
    void Receive(const LlmActivationHeader& h, const Address& from);
    /**
     * @brief The messenger lost a message (UDP reassembly timeout) or could not send one.
     * @param h its header
     */
    void Lost(const LlmActivationHeader& h);
    /**
     * @brief Queue a job, and start it if the cloud is idle.
     * @param job the job
     */
    void Enqueue(const Job& job);
    /// Start the job at the head of the queue, if any.
    void StartNext();
    /// The job computing ended: return its token id, go on.
    void FinishJob();

    Mode m_mode;                   //!< SPLIT or CLOUD_ONLY
    uint16_t m_port;               //!< Listening port
    uint16_t m_replyPort;          //!< Devices' port for token ids
    Time m_prefillCompute;         //!< Compute of a prefill job
    Time m_decodeCompute;          //!< Compute of a decode job
    uint32_t m_tokens;             //!< CLOUD_ONLY: steps per request (G)
    uint32_t m_tokenIdBytes;       //!< Token id bytes per reply
    double m_paceBps;              //!< UDP pacing of the replies, bit/s (0: none)
    Ptr<LlmMessenger> m_messenger; //!< Transport

    std::deque<Job> m_queue;                   //!< Jobs waiting (FIFO)
    bool m_busy{false};                        //!< A job is computing
    Job m_current{};                           //!< The job computing
    EventId m_computeEvent;                    //!< End of the current job
    uint64_t m_jobsCompleted{0};               //!< Jobs done
    Time m_busyTime;                           //!< Time computing
    std::vector<Time> m_queueing;              //!< Queueing delay per job
    uint32_t m_maxQueue{0};                    //!< Longest queue
    std::map<uint32_t, Address> m_deviceByIdx; //!< Device (upper 16 bits of ids) -> address

    TracedCallback<const LlmActivationHeader&> m_receivedTrace; //!< A message arrived
    TracedCallback<const LlmActivationHeader&> m_sentTrace;     //!< A reply was sent
    TracedCallback<uint32_t, uint32_t, Time> m_jobStartTrace;   //!< A job started
    TracedCallback<uint32_t, uint32_t> m_jobEndTrace;           //!< A job ended
};

} // namespace ns3

#endif // LLM_SPLIT_CLOUD_APPLICATION_H
