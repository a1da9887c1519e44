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

package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	karmadaclusterv1alpha1 "kurator.dev/kurator/api/karmada/cluster/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/overrides"
	"kurator.dev/kurator/internal/scheduler/estimator"
	"kurator.dev/kurator/internal/scheduler/framework"
)

// HasClusters reports whether a scenario file holds any
// cluster.karmada.io/v1alpha1 Cluster: without one, 'kurator schedule'
// takes the Clusters of a live fleet.
func HasClusters(data []byte) (bool, error) {
	found := false
	err := eachDocument(bytes.NewReader(data), func(_ int, raw []byte) error {
		var tm metav1.TypeMeta
		if err := json.Unmarshal(raw, &tm); err != nil {
			return err
		}
		found = found || isCluster(tm)
		return nil
	})
	return found, err
}

func isCluster(tm metav1.TypeMeta) bool {
	return tm.APIVersion == karmadaclusterv1alpha1.SchemeGroupVersion.String() && tm.Kind == "Cluster"
}

// eachDocument calls fn with each non-empty document of a multi-document
// YAML (or JSON) stream, numbered from 1.
func eachDocument(r io.Reader, fn func(i int, raw []byte) error) error {
	dec := utilyaml.NewYAMLOrJSONDecoder(r, 4096)
	for i := 1; ; i++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("document %d: %w", i, err)
		}
		if len(bytes.TrimSpace(raw)) == 0 || string(raw) == "null" {
			continue
		}
		if err := fn(i, raw); err != nil {
			return err
		}
	}
}

// ParseLive reads a scenario for a live fleet: the documents of a scenario
// (one workload template, one propagation policy, any override policies,
// optionally the previous binding) but no Clusters, which are the fleet's
// (clusters, as the control plane has them).
func ParseLive(r io.Reader, clusters []*karmadaclusterv1alpha1.Cluster) (*Scenario, error) {
	s := &Scenario{}
	err := eachDocument(r, func(i int, raw []byte) error {
		var tm metav1.TypeMeta
		if err := json.Unmarshal(raw, &tm); err != nil {
			return fmt.Errorf("document %d: %w", i, err)
		}
		if isCluster(tm) {
			return fmt.Errorf("document %d is a Cluster: against a live fleet the Clusters are the control plane's", i)
		}
		return s.add(i, raw)
	})
	if err != nil {
		return nil, err
	}
	if len(clusters) == 0 {
		return nil, errors.New("the control plane has no cluster.karmada.io/v1alpha1 Cluster")
	}
	s.Clusters = clusters
	return s, s.validate()
}

// BindingKey names the binding the control plane keeps for the scenario's
// template: its namespace ("" for a ClusterResourceBinding) and name.
func (s *Scenario) BindingKey() (namespace, name string) {
	return s.Template.GetNamespace(), workv1alpha2.BindingName(s.Template.GetName(), s.Template.GetKind())
}

// UseLiveBinding takes the binding in force in the control plane as the
// previous decision, unless the scenario gives one. Its reschedule request
// only counts if the scheduler has not acted on it yet.
func (s *Scenario) UseLiveBinding(rb *workv1alpha2.ResourceBinding) {
	if s.Previous != nil || rb == nil {
		return
	}
	rb = rb.DeepCopy()
	if t := rb.Spec.RescheduleTriggeredAt; t != nil && rb.Status.LastScheduledTime != nil && !t.After(rb.Status.LastScheduledTime.Time) {
		rb.Spec.RescheduleTriggeredAt = nil
	}
	s.Previous = rb
}

// AddLiveOverrides adds the fleet's override policies to the scenario's;
// a policy of the scenario replaces the fleet's policy of the same kind,
// namespace and name (the what-if of editing it).
func (s *Scenario) AddLiveOverrides(live []overrides.Policy) {
	own := map[[2]string]bool{}
	for _, p := range s.Overrides {
		own[[2]string{p.Namespace, p.Name}] = true
	}
	for _, p := range live {
		if !own[[2]string{p.Namespace, p.Name}] {
			s.Overrides = append(s.Overrides, p)
		}
	}
}

// BuildLive is Build for a live fleet: the Clusters are used as they are
// (one that lists no APIs is not taken to serve the template's kind) and
// each cluster's nodes are those listed from it, with what their pods
// request; a cluster without nodes (unreachable, not ready) is estimated
// from its resource summary, as the scheduling controller does.
func (s *Scenario) BuildLive(nodes map[string][]estimator.Node) (*framework.Snapshot, *framework.Workload, error) {
	snap, w, err := s.Build()
	if err != nil {
		return nil, nil, err
	}
	byName := make(map[string]*karmadaclusterv1alpha1.Cluster, len(s.Clusters))
	for _, c := range s.Clusters {
		byName[c.Name] = c
	}
	for _, info := range snap.Clusters {
		info.Cluster = byName[info.Name()]
		info.Nodes = nodes[info.Name()]
	}
	return snap, w, nil
}
