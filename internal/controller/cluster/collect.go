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

package cluster

import (
	"context"
	"errors"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/utils/clock"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	"kurator.dev/kurator/internal/membercluster"
)

// Collector reads what a Cluster's status says about its member: version,
// API enablements, nodes and resources. The cluster controller runs it for
// push members, and the pull agent for the cluster it runs in.
type Collector struct {
	discovery *discoveryCache
	timeout   time.Duration
	// syncTimeout, when set, replaces timeout and is read at every
	// collection: a KarmadaConfig's cacheSyncTimeout.
	syncTimeout func() time.Duration
}

// NewCollector re-reads API discovery every refresh; timeout bounds the
// first list of nodes and pods.
func NewCollector(c clock.PassiveClock, refresh, timeout time.Duration) *Collector {
	return &Collector{discovery: newDiscoveryCache(c, refresh), timeout: timeout}
}

// SetSyncTimeout makes the bound of the first list of nodes and pods
// follow f, read when each collection starts waiting.
func (c *Collector) SetSyncTimeout(f func() time.Duration) { c.syncTimeout = f }

// Collect fills version, API enablements (with the CompleteAPIEnablements
// condition), node and resource summaries into cluster's status.
func (c *Collector) Collect(ctx context.Context, cluster *karmadaclusterv1alpha1.Cluster, m *membercluster.Member) error {
	info, err := c.discovery.get(ctx, m)
	if err != nil {
		return err
	}
	cluster.Status.KubernetesVersion = info.version
	cluster.Status.APIEnablements = info.enablements
	enablements := metav1.Condition{Type: karmadaclusterv1alpha1.ClusterConditionCompleteAPIEnablements, Status: metav1.ConditionTrue,
		Reason: karmadaclusterv1alpha1.CompleteAPIEnablements, Message: "all API groups were discovered", ObservedGeneration: cluster.Generation}
	if info.partial != "" {
		enablements.Status, enablements.Reason, enablements.Message = metav1.ConditionFalse, karmadaclusterv1alpha1.IncompleteAPIEnablements, info.partial
	}
	apimeta.SetStatusCondition(&cluster.Status.Conditions, enablements)

	timeout := c.timeout
	if c.syncTimeout != nil {
		timeout = c.syncTimeout()
	}
	syncCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := m.StartInformers(syncCtx); err != nil {
		return err
	}
	nodeLister, podLister, ok := m.Listers()
	if !ok {
		return errors.New("member informers stopped")
	}
	nodes, err := nodeLister.List(labels.Everything())
	if err != nil {
		return err
	}
	pods, err := podLister.List(labels.Everything())
	if err != nil {
		return err
	}
	cluster.Status.NodeSummary, cluster.Status.ResourceSummary = summarize(nodes, pods)
	return nil
}

// Forget drops what was cached about a member.
func (c *Collector) Forget(name string) { c.discovery.forget(name) }
