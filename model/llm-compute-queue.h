// SPDX-License-Identifier: GPL-2.0-only

#ifndef LLM_COMPUTE_QUEUE_H
#define LLM_COMPUTE_QUEUE_H

#include "ns3/callback.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <deque>
#include <map>
#include <vector>

namespace ns3
{

/**
 * @ingroup edge-llm
 * @brief The compute of one server node, shared by every LLM server application on it.
 *
 * Aggregate one to a Node (`node->AggregateObject(CreateObject<LlmComputeQueue>())`) and every
 * EdgeLlmServerApplication started on that node queues its layer jobs here instead of in its
 * own FIFO: the node computes one job at a time, non-preemptively. A job holds the node for its
 * compute time at CCS_i (operations / CcsHz of the application, which LlmPlacementHelper sets
 * to the node's server's CCS_i), from the moment the queue grants it until its owner releases
 * the node. The owners are the applications, keyed by their Port attribute (unique on a
 * node); with several LLMs each model has its own application on the node, so an owner is a
 * model.
 *
 * Discipline Fifo serves jobs in the order they were submitted, whoever owns them (with one
 * owner this is exactly the application's own FIFO: same order, same events); RoundRobin
 * serves the owners in turn, in the order they registered, one job each, skipping owners with
 * nothing waiting. Each owner's own jobs keep their order under both disciplines.
 *
 * Statistics per owner: jobs started and finished, busy time (grant to release), queueing
 * delay (submission to grant) sum and maximum.
 */
class LlmComputeQueue : public Object
{
  public:
    /// The order jobs of different owners are served in.
    enum Discipline
    {
        FIFO,       //!< First submitted, first served, across owners
        ROUND_ROBIN //!< One job per owner in turn (registration order), non-preemptive
    };

    /// A job waiting or computing.
    struct Job
    {
        uint32_t owner{0};    //!< Owner key (the server application's port)
        uint32_t request{0};  //!< Request id
        uint32_t token{0};    //!< Token index
        uint32_t layer{0};    //!< Layer index
        Time submitted;       //!< When it was submitted
        uint64_t sequence{0}; //!< Submission order on this node
    };

    /// Statistics of one owner.
    struct OwnerStats
    {
        uint64_t jobs{0};             //!< Jobs granted the node
        uint64_t jobsCompleted{0};    //!< Jobs that released it at their end
        double busySeconds{0};        //!< Σ time its jobs held the node, s
        double queueingSumSeconds{0}; //!< Σ queueing delay of its jobs, s
        double queueingMaxSeconds{0}; //!< Largest queueing delay, s

        /// @return mean queueing delay per granted job, s (0 without a job)
        double GetMeanQueueingSeconds() const
        {
            return jobs > 0 ? queueingSumSeconds / static_cast<double>(jobs) : 0.0;
        }
    };

    /**
     * TracedCallback signature of a job's start and end.
     * @param owner owner key
     * @param request request id
     * @param token token index
     * @param layer layer index
     */
    typedef void (*JobTracedCallback)(uint32_t owner,
                                      uint32_t request,
                                      uint32_t token,
                                      uint32_t layer);

    /**
     * TracedCallback signature of a job's queueing delay (when it starts).
     * @param owner owner key
     * @param delay time from submission to start
     */
    typedef void (*QueueingTracedCallback)(uint32_t owner, Time delay);

    /**
     * @brief Get the type ID.
     * @return the object TypeId
     */
    static TypeId GetTypeId();

    LlmComputeQueue();
    ~LlmComputeQueue() override;

    /**
     * @brief Register an owner (again: replace its callback). Round robin visits owners in the
     *        order of their first registration.
     * @param owner the owner key (a server application uses its port)
     * @param granted called when the owner's oldest waiting job gets the node: the owner starts
     *        that job now and calls Release() when it ends
     */
    void AddOwner(uint32_t owner, Callback<void> granted);

    /**
     * @brief Unregister an owner, as Drop() and without further grants. Its statistics stay.
     * @param owner the owner key
     */
    void RemoveOwner(uint32_t owner);

    /**
     * @brief Drop an owner's waiting jobs; if it holds the node, its job is cut short there
     *        (busy until now, not counted as completed) and the node goes to the next job.
     * @param owner the owner key
     */
    void Drop(uint32_t owner);

    /**
     * @param owner an owner key
     * @return true if the owner is registered
     */
    bool HasOwner(uint32_t owner) const;

    /**
     * @brief Queue a job of a registered owner; if the node is idle it is granted at once
     *        (the owner's callback runs before Submit returns).
     * @param owner the owner key
     * @param request request id
     * @param token token index
     * @param layer layer index
     */
    void Submit(uint32_t owner, uint32_t request, uint32_t token, uint32_t layer);

    /**
     * @brief The owner's job that holds the node has ended: the next job gets the node (its
     *        owner's callback runs before Release returns).
     * @param owner the owner key
     */
    void Release(uint32_t owner);

    /// @return the discipline
    Discipline GetDiscipline() const;
    /// @return total time jobs held the node, s
    double GetBusySeconds() const;
    /// @return jobs that ended and released the node
    uint64_t GetJobsCompleted() const;
    /// @return jobs waiting (not the one holding the node)
    std::size_t GetQueueLength() const;
    /**
     * @param owner an owner key
     * @return that owner's jobs waiting (0 for an unknown owner)
     */
    std::size_t GetWaiting(uint32_t owner) const;
    /// @return true while a job holds the node
    bool IsBusy() const;
    /// @return statistics per owner key (every owner ever registered)
    const std::map<uint32_t, OwnerStats>& GetOwnerStats() const;

  protected:
    void DoDispose() override;

  private:
    /// An owner: its callback and waiting jobs.
    struct Owner
    {
        Callback<void> granted;  //!< Its job got the node
        std::deque<Job> waiting; //!< Its jobs waiting, in submission order
        bool active{false};      //!< Registered
    };

    /// Grant the node to the next job by the discipline, if it is idle and a job waits.
    void GrantNext();
    /// The job holding the node stops holding it (ended or cut).
    void Free(bool completed);
    /// @return index in m_order of the owner to serve next (m_order.size(): nothing waits)
    std::size_t PickOwner() const;

    Discipline m_discipline;                //!< Service order
    std::map<uint32_t, Owner> m_owners;     //!< Owners by key
    std::vector<uint32_t> m_order;          //!< Owner keys in registration order
    std::size_t m_lastServed;               //!< Index in m_order served last (round robin)
    std::size_t m_waiting{0};               //!< Jobs waiting
    uint64_t m_sequence{0};                 //!< Next submission number
    bool m_busy{false};                     //!< A job holds the node
    Job m_current;                          //!< The job holding the node
    Time m_grantedAt;                       //!< When it got the node
    double m_busySeconds{0};                //!< Σ holding time
    uint64_t m_jobsCompleted{0};            //!< Jobs ended
    std::map<uint32_t, OwnerStats> m_stats; //!< Per owner

    TracedCallback<uint32_t, uint32_t, uint32_t, uint32_t> m_jobStartTrace; //!< Job got the node
    TracedCallback<uint32_t, uint32_t, uint32_t, uint32_t> m_jobEndTrace;   //!< Job released it
    TracedCallback<uint32_t, Time> m_queueingTrace; //!< Queueing delay of a job that starts
};

} // namespace ns3

#endif // LLM_COMPUTE_QUEUE_H
