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
// Package kubeletsim is the kubelet stand-in of a local member cluster. It
// registers simulated Nodes with real capacity, and makes pods bound to them
// Running and Ready (or Succeeded, for Job pods) so that workload status in the
// member is real. No container ever runs.
package kubeletsim

import (
	"context"
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Labels and annotations of the simulator.
const (
	// SimulatedNodeLabel marks the nodes this simulator owns.
	SimulatedNodeLabel = "node.kurator.dev/simulated"
	// ReadyAnnotation set to "false" on a pod keeps it Running but not Ready,
	// to rehearse an unhealthy workload.
	ReadyAnnotation = "sim.kurator.dev/ready"
	// RunSecondsAnnotation sets how long a Job pod runs before it succeeds.
	RunSecondsAnnotation = "sim.kurator.dev/run-seconds"
	// FailAnnotation set to "true" makes a Job pod fail instead of succeeding.
	FailAnnotation = "sim.kurator.dev/fail"
)

// NodePool is the shape of the simulated nodes.
type NodePool struct {
	Count  int
	CPU    resource.Quantity
	Memory resource.Quantity
	Pods   int
}

// NodeName is the name of the i-th simulated node of a cluster.
func NodeName(cluster string, i int) string { return fmt.Sprintf("%s-node-%d", cluster, i) }

func (s *Simulator) desiredNode(i int) *corev1.Node {
	name := NodeName(s.cluster, i)
	lbls := map[string]string{
		corev1.LabelHostname:   name,
		corev1.LabelOSStable:   "linux",
		corev1.LabelArchStable: "amd64",
		SimulatedNodeLabel:     "true",
	}
	if region := s.topology.Region; region != "" {
		lbls[corev1.LabelTopologyRegion] = region
	}
	if zone := s.topology.Zone; zone != "" {
		lbls[corev1.LabelTopologyZone] = zone
	}
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:              s.pool.CPU,
		corev1.ResourceMemory:           s.pool.Memory,
		corev1.ResourcePods:             *resource.NewQuantity(int64(s.pool.Pods), resource.DecimalSI),
		corev1.ResourceEphemeralStorage: resource.MustParse("100Gi"),
	}
	now := metav1.NewTime(s.clock.Now())
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: lbls},
		Status: corev1.NodeStatus{
			Capacity:    capacity,
			Allocatable: capacity,
			Phase:       corev1.NodeRunning,
			Conditions: []corev1.NodeCondition{
				{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady", Message: "simulated kubelet is ready", LastHeartbeatTime: now, LastTransitionTime: now},
				{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse, Reason: "KubeletHasSufficientMemory", LastHeartbeatTime: now, LastTransitionTime: now},
				{Type: corev1.NodeDiskPressure, Status: corev1.ConditionFalse, Reason: "KubeletHasNoDiskPressure", LastHeartbeatTime: now, LastTransitionTime: now},
				{Type: corev1.NodePIDPressure, Status: corev1.ConditionFalse, Reason: "KubeletHasSufficientPID", LastHeartbeatTime: now, LastTransitionTime: now},
			},
			Addresses: []corev1.NodeAddress{
				{Type: corev1.NodeInternalIP, Address: "127.0.0.1"},
				{Type: corev1.NodeHostName, Address: name},
			},
			NodeInfo: corev1.NodeSystemInfo{
				KubeletVersion:          s.version,
				OperatingSystem:         "linux",
				Architecture:            "amd64",
				ContainerRuntimeVersion: "kurator-sim://1",
				OSImage:                 "Kurator simulated node",
			},
		},
	}
}

// syncNodes creates the pool's nodes, refreshes their status, and removes
// simulated nodes beyond the pool size (the pool may shrink between runs).
func (s *Simulator) syncNodes(ctx context.Context) error {
	nodes := s.client.CoreV1().Nodes()
	for i := range s.pool.Count {
		want := s.desiredNode(i)
		got, err := nodes.Get(ctx, want.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			got, err = nodes.Create(ctx, want, metav1.CreateOptions{})
		}
		if err != nil {
			return fmt.Errorf("node %s: %w", want.Name, err)
		}
		// Admission taints a new Node not-ready; the node lifecycle controller
		// would lift it once the kubelet reports Ready. That controller does
		// not run here, so the stand-in lifts it.
		taints := withoutConditionTaints(got.Spec.Taints)
		if !labels.Equals(got.Labels, want.Labels) || len(taints) != len(got.Spec.Taints) {
			got.Labels, got.Spec.Taints = want.Labels, taints
			if got, err = nodes.Update(ctx, got, metav1.UpdateOptions{}); err != nil {
				return fmt.Errorf("node %s: %w", want.Name, err)
			}
		}
		got.Status = want.Status
		if _, err := nodes.UpdateStatus(ctx, got, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("node %s status: %w", want.Name, err)
		}
	}
	list, err := nodes.List(ctx, metav1.ListOptions{LabelSelector: SimulatedNodeLabel + "=true"})
	if err != nil {
		return err
	}
	for _, n := range list.Items {
		if !s.nodes[n.Name] {
			if err := nodes.Delete(ctx, n.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
				return err
			}
		}
	}
	return nil
}

func withoutConditionTaints(taints []corev1.Taint) []corev1.Taint {
	out := make([]corev1.Taint, 0, len(taints))
	for _, t := range taints {
		if t.Key != corev1.TaintNodeNotReady && t.Key != corev1.TaintNodeUnreachable {
			out = append(out, t)
		}
	}
	return out
}

func nodeSet(cluster string, count int) map[string]bool {
	set := make(map[string]bool, count)
	for i := range count {
		set[NodeName(cluster, i)] = true
	}
	return set
}

// podIP derives a stable fake address from the pod UID.
func podIP(uid string) string {
	h := uint32(2166136261)
	for i := 0; i < len(uid); i++ {
		h = (h ^ uint32(uid[i])) * 16777619
	}
	return "10.244." + strconv.Itoa(int(h>>8&0xff)) + "." + strconv.Itoa(int(h&0xfd)+1)
}
