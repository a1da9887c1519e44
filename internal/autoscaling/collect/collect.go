/*
Copyright 2026 The Kurator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

// Package collect reads a workload's pods and their resource usage from
// every member it runs in, concurrently, each member within its own
// deadline: a slow or unreachable member is reported stale instead of
// holding the others up (Karmada's metrics adapter waits for every member;
// one pull was measured at 20.48 s). Pods come from the member's API server
// and usage from its metrics.k8s.io. A pull-mode member, which the control
// plane never dials, answers with its agent's last report: the pods'
// counts and sums, in the status of the workload's Work (reported.go).
package collect

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	metricsclient "k8s.io/metrics/pkg/client/clientset/versioned"
	"k8s.io/utils/clock"
	"sigs.k8s.io/controller-runtime/pkg/client"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	"kurator.dev/kurator/internal/membercluster"
)

// DefaultTimeout bounds one member's collection.
const DefaultTimeout = 3 * time.Second

// Workload names the pods to collect in every member.
type Workload struct {
	Namespace string
	Selector  labels.Selector
	// Group, Kind and Name are the scaled template's: a pull member's pods
	// are read from the agent's report in the template's Work.
	Group, Kind, Name string
}

// Pod is one pod of the workload and what it uses.
type Pod struct {
	Name  string
	Ready bool
	// Requests and Usage are by container; Usage is nil when the member
	// reports no metric for the pod (it is too new, or its metrics are
	// not scraped yet).
	Requests map[string]corev1.ResourceList
	Usage    map[string]corev1.ResourceList
}

// Cluster is what one member answered.
type Cluster struct {
	Name string
	Pods []Pod
	// Summary is a pull member's answer instead of Pods: its agent's last
	// report (see Samples and Counts).
	Summary *workv1alpha1.PodMetricsSummary
	// Err is set when the member could not be read in time: its pods are
	// unknown and Stale is true.
	Err   error
	Stale bool
	// CollectedAt is when the member answered, or its agent read the pods.
	CollectedAt time.Time
	// Took is how long the member took to answer, or the deadline.
	Took time.Duration
}

// Collector reads workloads' pods from members.
type Collector struct {
	Members membercluster.Source
	// Works reads pull members' Works, whose status carries their agents'
	// reports; nil: pull members are stale.
	Works client.Reader
	// Timeout bounds each member's collection; zero means DefaultTimeout.
	Timeout time.Duration
	Clock   clock.PassiveClock

	mu      sync.Mutex
	metrics map[string]metricsEntry
}

// metricsEntry caches a member's metrics.k8s.io client per connection.
type metricsEntry struct {
	member *membercluster.Member
	client metricsclient.Interface
}

// Collect reads w's pods in every cluster at once and returns one answer
// per cluster, in the clusters' order, after at most the timeout.
func (c *Collector) Collect(ctx context.Context, w Workload, clusters []*karmadaclusterv1alpha1.Cluster) []Cluster {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	clk := c.Clock
	if clk == nil {
		clk = clock.RealClock{}
	}
	out := make([]Cluster, len(clusters))
	var wg sync.WaitGroup
	for i, cluster := range clusters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := clk.Now()
			mctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			if cluster.Spec.SyncMode == karmadaclusterv1alpha1.Pull {
				summary, err := c.reported(mctx, w, cluster.Name, clk.Now())
				out[i] = Cluster{Name: cluster.Name, Summary: summary, Err: err, Stale: err != nil, Took: clk.Since(start)}
				if summary != nil {
					out[i].CollectedAt = summary.CollectTime.Time
				}
				return
			}
			pods, err := c.collectOne(mctx, w, cluster)
			out[i] = Cluster{Name: cluster.Name, Pods: pods, Err: err, Stale: err != nil, CollectedAt: clk.Now(), Took: clk.Since(start)}
		}()
	}
	wg.Wait()
	return out
}

// ErrNotReady means the Cluster is not Ready: it is not asked at all.
var ErrNotReady = errors.New("the cluster is not Ready")

func (c *Collector) collectOne(ctx context.Context, w Workload, cluster *karmadaclusterv1alpha1.Cluster) ([]Pod, error) {
	if !clusterReady(cluster) {
		return nil, ErrNotReady
	}
	member, err := c.Members.Get(ctx, cluster)
	if err != nil {
		return nil, err
	}
	return c.Member(ctx, member, w)
}

// Member reads w's pods and their usage in one member: the control plane's
// connection to a push member, or the agent's to its own cluster.
func (c *Collector) Member(ctx context.Context, member *membercluster.Member, w Workload) ([]Pod, error) {
	metrics, err := c.metricsClient(member)
	if err != nil {
		return nil, err
	}
	opts := metav1.ListOptions{LabelSelector: w.Selector.String()}
	type usageResult struct {
		usage map[string]map[string]corev1.ResourceList
		err   error
	}
	usageCh := make(chan usageResult, 1)
	go func() {
		list, err := metrics.MetricsV1beta1().PodMetricses(w.Namespace).List(ctx, opts)
		if err != nil {
			usageCh <- usageResult{err: fmt.Errorf("pod metrics: %w", err)}
			return
		}
		usage := make(map[string]map[string]corev1.ResourceList, len(list.Items))
		for _, pm := range list.Items {
			byContainer := make(map[string]corev1.ResourceList, len(pm.Containers))
			for _, ctr := range pm.Containers {
				byContainer[ctr.Name] = ctr.Usage
			}
			usage[pm.Name] = byContainer
		}
		usageCh <- usageResult{usage: usage}
	}()
	listed, err := workloadPods(ctx, member, w, opts)
	if err != nil {
		return nil, err
	}
	u := <-usageCh
	if u.err != nil {
		return nil, u.err
	}
	pods := make([]Pod, 0, len(listed))
	for _, p := range listed {
		// As the HPA: pods being deleted or that failed are not counted.
		if p.DeletionTimestamp != nil || p.Status.Phase == corev1.PodFailed || p.Status.Phase == corev1.PodSucceeded {
			continue
		}
		requests := make(map[string]corev1.ResourceList, len(p.Spec.Containers))
		for _, ctr := range p.Spec.Containers {
			requests[ctr.Name] = ctr.Resources.Requests
		}
		pods = append(pods, Pod{Name: p.Name, Ready: podReady(p), Requests: requests, Usage: u.usage[p.Name]})
	}
	return pods, nil
}

// workloadPods are w's pods in the member: from the member's pod informer
// when the control plane watches the member's pods (the cluster controller
// does, for its resource summaries), so a round costs the member one list
// of usage, not of pods; otherwise from its API server.
func workloadPods(ctx context.Context, member *membercluster.Member, w Workload, opts metav1.ListOptions) ([]*corev1.Pod, error) {
	if _, lister, ok := member.Listers(); ok {
		pods, err := lister.Pods(w.Namespace).List(w.Selector)
		if err != nil {
			return nil, fmt.Errorf("pods: %w", err)
		}
		return pods, nil
	}
	list, err := member.Client.CoreV1().Pods(w.Namespace).List(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("pods: %w", err)
	}
	pods := make([]*corev1.Pod, len(list.Items))
	for i := range list.Items {
		pods[i] = &list.Items[i]
	}
	return pods, nil
}

func (c *Collector) metricsClient(member *membercluster.Member) (metricsclient.Interface, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.metrics[member.Name]; ok && e.member == member {
		return e.client, nil
	}
	client, err := metricsclient.NewForConfig(member.Config)
	if err != nil {
		return nil, err
	}
	if c.metrics == nil {
		c.metrics = map[string]metricsEntry{}
	}
	c.metrics[member.Name] = metricsEntry{member: member, client: client}
	return client, nil
}

func podReady(p *corev1.Pod) bool {
	if p.Status.Phase != corev1.PodRunning {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func clusterReady(c *karmadaclusterv1alpha1.Cluster) bool {
	for _, cond := range c.Status.Conditions {
		if cond.Type == karmadaclusterv1alpha1.ClusterConditionReady {
			return cond.Status == metav1.ConditionTrue
		}
	}
	return false
}
