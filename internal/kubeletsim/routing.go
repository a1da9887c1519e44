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

package kubeletsim

import (
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"

	networkingv1alpha1 "kurator.dev/kurator/api/networking/v1alpha1"
)

// ClusterLabel is the endpoint label Istio gives every workload with the ID of
// the cluster it runs in; DestinationRule subsets select clusters with it.
const ClusterLabel = networkingv1alpha1.IstioClusterLabel

// virtualService is the part of an Istio VirtualService the load model reads:
// the catch-all HTTP route, whose weights say where requests go.
type virtualService struct {
	Namespace   string
	Annotations map[string]string
	Route       []weightedDestination
}

type weightedDestination struct {
	Host   string
	Subset string
	Weight int32
}

// destinationRule is the part of an Istio DestinationRule the load model
// reads: its subsets and whether outlier detection ejects failing endpoints.
type destinationRule struct {
	Namespace string
	Host      string
	Subsets   map[string]map[string]string
	// MaxEjectionPercent is set when the rule has outlierDetection (Istio's
	// default for it is 10).
	MaxEjectionPercent int32
	Outlier            bool
}

// podTraffic is the load one pod receives through one Service.
type podTraffic struct {
	Service types.NamespacedName
	RPS     float64
}

// trafficInput is everything route() needs, read from one member.
type trafficInput struct {
	Cluster    string
	DefaultRPS float64
	Services   []*corev1.Service
	Routes     []virtualService
	Rules      []destinationRule
	Pods       []*corev1.Pod
	Behaviour  func(*corev1.Pod) behaviour
}

// route spreads simulated requests over this member's Ready pods. Traffic to
// a Service that a VirtualService routes follows the route's weights: the
// member takes Q × weight/100 of each destination whose subset selects pods
// here (a subset naming another cluster with topology.istio.io/cluster takes
// none), Q being the VirtualService's or the Service's sim.kurator.dev/rps, or
// the default. Traffic to any other Service with a selector — DefaultRPS or its
// annotation — is served by its Ready pods here. Within a destination, pods
// share evenly, except that a DestinationRule with outlierDetection ejects
// failing pods (error rate of a half or more), up to its maxEjectionPercent,
// at once: a proxy's detection delay is not modelled.
//
// The member sees only its own pods, so a destination subset that does not
// name a cluster is taken whole by every member that has pods for it; it is
// Kurator's TrafficPolicy, whose subsets name clusters, that splits the fleet's
// traffic exactly (Q_i = Q_total × w_i / 100).
func route(in trafficInput) map[types.NamespacedName][]podTraffic {
	services := map[types.NamespacedName]*corev1.Service{}
	for _, s := range in.Services {
		if len(s.Spec.Selector) > 0 {
			services[types.NamespacedName{Namespace: s.Namespace, Name: s.Name}] = s
		}
	}
	ready := readyPodsByNamespace(in.Pods)
	out := map[types.NamespacedName][]podTraffic{}
	routed := map[types.NamespacedName]bool{}
	for _, vs := range in.Routes {
		q := -1.0
		if _, ok := vs.Annotations[RPSAnnotation]; ok {
			q = rpsAnnotation(vs.Annotations, in.DefaultRPS)
		}
		for _, d := range vs.Route {
			key, ok := serviceOfHost(d.Host, vs.Namespace)
			svc := services[key]
			if !ok || svc == nil {
				continue
			}
			routed[key] = true
			if q < 0 {
				q = rpsAnnotation(svc.Annotations, in.DefaultRPS)
			}
			if d.Weight <= 0 {
				continue
			}
			rule := ruleFor(in.Rules, key)
			subset, known := subsetLabels(rule, d.Subset)
			if !known {
				continue // Istio sends nothing to an undefined subset
			}
			pods := selectPods(ready[key.Namespace], svc.Spec.Selector, subset, in.Cluster)
			pods = eject(pods, rule, in.Behaviour)
			share(out, key, pods, q*float64(d.Weight)/100)
		}
	}
	for key, svc := range services {
		if routed[key] {
			continue
		}
		pods := selectPods(ready[key.Namespace], svc.Spec.Selector, nil, in.Cluster)
		share(out, key, pods, rpsAnnotation(svc.Annotations, in.DefaultRPS))
	}
	return out
}

func share(out map[types.NamespacedName][]podTraffic, svc types.NamespacedName, pods []*corev1.Pod, rps float64) {
	if len(pods) == 0 || rps <= 0 {
		return
	}
	each := rps / float64(len(pods))
	for _, p := range pods {
		key := types.NamespacedName{Namespace: p.Namespace, Name: p.Name}
		out[key] = addTraffic(out[key], svc, each)
	}
}

func addTraffic(list []podTraffic, svc types.NamespacedName, rps float64) []podTraffic {
	for i := range list {
		if list[i].Service == svc {
			list[i].RPS += rps
			return list
		}
	}
	return append(list, podTraffic{Service: svc, RPS: rps})
}

func readyPodsByNamespace(pods []*corev1.Pod) map[string][]*corev1.Pod {
	out := map[string][]*corev1.Pod{}
	for _, p := range pods {
		if p.DeletionTimestamp == nil && p.Status.Phase == corev1.PodRunning && podReady(p) {
			out[p.Namespace] = append(out[p.Namespace], p)
		}
	}
	for _, list := range out {
		sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	}
	return out
}

// selectPods keeps the pods a Service and a subset select. The subset's
// topology.istio.io/cluster label matches the member's own name, as Istio
// matches it against the endpoint's cluster.
func selectPods(pods []*corev1.Pod, selector, subset map[string]string, cluster string) []*corev1.Pod {
	if c, ok := subset[ClusterLabel]; ok && c != cluster {
		return nil
	}
	sel := labels.SelectorFromSet(selector)
	rest := map[string]string{}
	for k, v := range subset {
		if k != ClusterLabel {
			rest[k] = v
		}
	}
	subSel := labels.SelectorFromSet(rest)
	var out []*corev1.Pod
	for _, p := range pods {
		if sel.Matches(labels.Set(p.Labels)) && subSel.Matches(labels.Set(p.Labels)) {
			out = append(out, p)
		}
	}
	return out
}

// eject removes the pods outlier detection would eject: those failing half
// their requests or more, at most maxEjectionPercent of the destination's pods.
func eject(pods []*corev1.Pod, rule *destinationRule, behaviourOf func(*corev1.Pod) behaviour) []*corev1.Pod {
	if rule == nil || !rule.Outlier || len(pods) == 0 {
		return pods
	}
	budget := int(rule.MaxEjectionPercent) * len(pods) / 100
	kept := make([]*corev1.Pod, 0, len(pods))
	for _, p := range pods {
		if budget > 0 && behaviourOf(p).errorRate >= 0.5 {
			budget--
			continue
		}
		kept = append(kept, p)
	}
	return kept
}

func ruleFor(rules []destinationRule, svc types.NamespacedName) *destinationRule {
	for i := range rules {
		if key, ok := serviceOfHost(rules[i].Host, rules[i].Namespace); ok && key == svc {
			return &rules[i]
		}
	}
	return nil
}

// subsetLabels returns the labels of a named subset; no subset selects all.
func subsetLabels(rule *destinationRule, subset string) (map[string]string, bool) {
	if subset == "" {
		return nil, true
	}
	if rule == nil {
		return nil, false
	}
	l, ok := rule.Subsets[subset]
	return l, ok
}

// serviceOfHost resolves an Istio host to the Service it names: a short name
// in the object's namespace, name.namespace, or name.namespace.svc[.cluster.local].
func serviceOfHost(host, namespace string) (types.NamespacedName, bool) {
	host = strings.TrimSuffix(host, ".cluster.local")
	host = strings.TrimSuffix(host, ".svc")
	parts := strings.Split(host, ".")
	switch {
	case len(parts) == 1 && parts[0] != "" && parts[0] != "*":
		return types.NamespacedName{Namespace: namespace, Name: parts[0]}, true
	case len(parts) == 2:
		return types.NamespacedName{Namespace: parts[1], Name: parts[0]}, true
	}
	return types.NamespacedName{}, false
}
