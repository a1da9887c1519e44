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

package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	configv1alpha1 "kurator.dev/kurator/api/config/v1alpha1"
	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/membercluster"
	"kurator.dev/kurator/internal/overrides"
	"kurator.dev/kurator/internal/placement"
	"kurator.dev/kurator/internal/scenario"
	"kurator.dev/kurator/internal/scheduler/estimator"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// memberTimeout bounds each request to a member cluster.
const memberTimeout = 10 * time.Second

// nodeLister lists a member's nodes with what their pods request; nil
// nodes mean the Cluster's resource summary is used.
type nodeLister func(ctx context.Context, c *karmadaclusterv1alpha1.Cluster) ([]estimator.Node, error)

// scheduleLive runs 'kurator schedule' against a live fleet when the file
// has no Clusters; it returns false, with nothing done, for an offline
// scenario. With --context or --kubeconfig the file must not have Clusters.
func scheduleLive(ctx context.Context, streams genericiooptions.IOStreams, cp controlPlaneFlags, file, output string) (bool, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return true, err
	}
	withClusters, err := scenario.HasClusters(data)
	if err != nil {
		return true, fmt.Errorf("%s: %w", file, err)
	}
	explicit := (cp.Context != nil && *cp.Context != "") || (cp.KubeConfig != nil && *cp.KubeConfig != "")
	switch {
	case withClusters && explicit:
		return true, UsageError{fmt.Errorf("%s has Clusters, so it is an offline scenario: drop --context/--kubeconfig, or remove its Clusters to use the fleet's", file)}
	case withClusters:
		return false, nil
	}
	hub, err := cp.client()
	if err != nil {
		return true, err
	}
	registry := membercluster.NewRegistry(hub, memberTimeout)
	nodes := func(ctx context.Context, c *karmadaclusterv1alpha1.Cluster) ([]estimator.Node, error) {
		return listMemberNodes(ctx, registry, c)
	}
	return true, runScheduleLive(ctx, streams, hub, nodes, file, data, output)
}

// runScheduleLive schedules the file's workload with its policy on the
// fleet as the scheduling controller sees it: the control plane's Clusters,
// each member's nodes and their pods' requests, the binding in force (the
// previous decision) and the override policies, the file's replacing the
// fleet's of the same name. It only reads: nothing is written anywhere.
func runScheduleLive(ctx context.Context, streams genericiooptions.IOStreams, hub client.Reader, nodes nodeLister, file string, data []byte, output string) error {
	var list karmadaclusterv1alpha1.ClusterList
	if err := hub.List(ctx, &list); err != nil {
		return fmt.Errorf("listing the fleet's Clusters: %w", err)
	}
	clusters := make([]*karmadaclusterv1alpha1.Cluster, 0, len(list.Items))
	for i := range list.Items {
		if list.Items[i].DeletionTimestamp.IsZero() {
			clusters = append(clusters, &list.Items[i])
		}
	}
	sc, err := scenario.ParseLive(bytes.NewReader(data), clusters)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if err := useLiveState(ctx, hub, sc); err != nil {
		return err
	}
	byCluster, unavailable := listFleetNodes(ctx, nodes, clusters)
	for _, name := range sortedKeys(unavailable) {
		fmt.Fprintf(streams.ErrOut, "warning: the capacity of %s is estimated from its resource summary: its nodes could not be listed: %s\n", name, unavailable[name])
	}
	return runSchedule(ctx, streams, sc, output, func() (*framework.Snapshot, *framework.Workload, error) {
		return sc.BuildLive(byCluster)
	})
}

// useLiveState gives the scenario the binding in force for its template,
// the fleet's override policies, and, for a policy that targets a Fleet,
// that fleet's clusters and default placement (as the detector does).
func useLiveState(ctx context.Context, hub client.Reader, sc *scenario.Scenario) error {
	ns, name := sc.BindingKey()
	if fleetName := sc.PolicyLabels[fleetv1alpha1.LabelFleetName]; fleetName != "" {
		fleetNS := sc.PolicyLabels[fleetv1alpha1.LabelFleetNamespace]
		if fleetNS == "" {
			fleetNS = sc.PolicyNamespace
		}
		if fleetNS == "" {
			fleetNS = ns
		}
		fleet := &fleetv1alpha1.Fleet{}
		if err := hub.Get(ctx, client.ObjectKey{Namespace: fleetNS, Name: fleetName}, fleet); err != nil {
			return fmt.Errorf("policy %s targets fleet %s/%s: %w", sc.PolicyName, fleetNS, fleetName, err)
		}
		sc.Policy.Placement = *placement.ForFleet(sc.Policy.Placement, fleet)
	}
	if err := useLiveCustomizations(ctx, hub, sc); err != nil {
		return err
	}
	var live workv1alpha2.Binding = &workv1alpha2.ResourceBinding{}
	if ns == "" {
		live = &workv1alpha2.ClusterResourceBinding{}
	}
	switch err := hub.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, live); {
	case err == nil:
		sc.UseLiveBinding(&workv1alpha2.ResourceBinding{Spec: *live.BindingSpec(), Status: *live.BindingStatus()})
	case !apierrors.IsNotFound(err):
		return fmt.Errorf("reading binding %s: %w", name, err)
	}
	var cops policyv1alpha1.ClusterOverridePolicyList
	if err := hub.List(ctx, &cops); err != nil {
		return fmt.Errorf("listing ClusterOverridePolicies: %w", err)
	}
	var policies []overrides.Policy
	for i := range cops.Items {
		if p := &cops.Items[i]; p.DeletionTimestamp.IsZero() {
			policies = append(policies, overrides.Policy{Name: p.Name, Spec: &p.Spec})
		}
	}
	if ns != "" {
		var ops policyv1alpha1.OverridePolicyList
		if err := hub.List(ctx, &ops, client.InNamespace(ns)); err != nil {
			return fmt.Errorf("listing OverridePolicies: %w", err)
		}
		for i := range ops.Items {
			if p := &ops.Items[i]; p.DeletionTimestamp.IsZero() {
				policies = append(policies, overrides.Policy{Name: p.Name, Namespace: p.Namespace, Spec: &p.Spec})
			}
		}
	}
	sc.AddLiveOverrides(policies)
	return nil
}

// listFleetNodes lists the nodes of every ready cluster in parallel, as
// the scheduling controller's member informers see them (it has none for a
// cluster that is not ready). It returns why some could not be listed.
func listFleetNodes(ctx context.Context, nodes nodeLister, clusters []*karmadaclusterv1alpha1.Cluster) (map[string][]estimator.Node, map[string]string) {
	out := map[string][]estimator.Node{}
	unavailable := map[string]string{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, c := range clusters {
		if !apimeta.IsStatusConditionTrue(c.Status.Conditions, karmadaclusterv1alpha1.ClusterConditionReady) {
			continue
		}
		wg.Go(func() {
			ns, err := nodes(ctx, c)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				unavailable[c.Name] = err.Error()
				return
			}
			out[c.Name] = ns
		})
	}
	wg.Wait()
	return out, unavailable
}

// listMemberNodes lists a member's nodes and the pods bound to them that
// have not terminated, through the credentials of its Cluster.
func listMemberNodes(ctx context.Context, registry *membercluster.Registry, c *karmadaclusterv1alpha1.Cluster) ([]estimator.Node, error) {
	m, err := registry.Get(ctx, c)
	if err != nil {
		return nil, err
	}
	nodeList, err := m.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, fmt.Errorf("listing nodes: %w", err)
	}
	if len(nodeList.Items) == 0 {
		return nil, errors.New("no nodes")
	}
	podList, err := m.Client.CoreV1().Pods("").List(ctx, metav1.ListOptions{FieldSelector: "spec.nodeName!=,status.phase!=Succeeded,status.phase!=Failed"})
	if err != nil {
		return nil, fmt.Errorf("listing pods: %w", err)
	}
	ns := make([]*corev1.Node, len(nodeList.Items))
	for i := range nodeList.Items {
		ns[i] = &nodeList.Items[i]
	}
	pods := make([]*corev1.Pod, len(podList.Items))
	for i := range podList.Items {
		pods[i] = &podList.Items[i]
	}
	return estimator.NodesWithPods(ns, pods), nil
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// useLiveCustomizations adds the fleet's ResourceInterpreterCustomizations
// to the scenario's; the file's replace those of the same name.
func useLiveCustomizations(ctx context.Context, hub client.Reader, sc *scenario.Scenario) error {
	var list configv1alpha1.ResourceInterpreterCustomizationList
	if err := hub.List(ctx, &list); err != nil {
		if apimeta.IsNoMatchError(err) {
			return nil
		}
		return fmt.Errorf("listing the fleet's ResourceInterpreterCustomizations: %w", err)
	}
	own := map[string]bool{}
	for _, ric := range sc.Customizations {
		own[ric.Name] = true
	}
	for i := range list.Items {
		if !own[list.Items[i].Name] {
			sc.Customizations = append(sc.Customizations, &list.Items[i])
		}
	}
	return nil
}
