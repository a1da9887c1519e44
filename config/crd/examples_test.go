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

package crd_test

import (
	"path/filepath"
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	clusterv1alpha1 "kurator.dev/kurator/api/cluster/v1alpha1"
	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/config/crd"
)

const (
	examplesDir = "../../examples"
	seedDir     = examplesDir + "/seed"
)

// TestExamplesAreAdmitted admits every example (the seed and our own
// additions under examples/) whose kind has a CRD here, and our own examples
// in testdata: nothing may be pruned, and OpenAPI and CEL validation must
// pass. Each is also strictly decoded into the Go types.
func TestExamplesAreAdmitted(t *testing.T) {
	admitters := newAdmitters(t)
	istio := newIstioAdmitters(t)
	scheme := newScheme(t)

	var files []string
	for _, pattern := range []string{filepath.Join(examplesDir, "*", "*.yaml"), filepath.Join("testdata", "*.yaml")} {
		matches, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, matches...)
	}

	admitted := map[string][]string{} // file name to the kinds admitted from it
	for _, file := range files {
		for i, doc := range readDocuments(t, file) {
			obj := toUnstructured(t, doc)
			gk := obj.GroupVersionKind().GroupKind()
			a, ok := admitters[gk]
			if !ok {
				// Istio's kinds are admitted in the version they are written in.
				a, ok = istio[obj.GroupVersionKind()]
			}
			if !ok {
				continue // not a kind with a CRD here
			}
			name := filepath.Base(file)
			t.Run(name, func(t *testing.T) {
				if got, want := obj.GroupVersionKind().Version, a.Version; got != want {
					t.Errorf("document %d: version %s, want %s", i, got, want)
				}
				pruned, errs := a.Admit(obj.Object)
				if len(pruned) > 0 {
					t.Errorf("document %d: fields pruned: %v", i, pruned)
				}
				if len(errs) > 0 {
					t.Errorf("document %d rejected:\n%v", i, errs.ToAggregate())
				}
				typed, err := scheme.New(obj.GroupVersionKind())
				if err != nil {
					t.Fatal(err)
				}
				if err := yaml.UnmarshalStrict(doc, typed); err != nil {
					t.Errorf("document %d: strict decoding into %T: %v", i, typed, err)
				}
				if isIstio(gk) {
					// Istio's specs decode as protobuf JSON, which skips
					// unknown fields: every field must come back.
					expectSpecRoundTrips(t, obj, typed)
				}
			})
			admitted[name] = append(admitted[name], gk.Kind)
		}
	}
	wants := map[string][]string{
		"01-fleet.yaml":                           {"Fleet"},
		"02-inference-weighted-policy.yaml":       {"PropagationPolicy"},
		"03-cross-cloud-override.yaml":            {"OverridePolicy"},
		"04-cross-cluster-route.yaml":             {"VirtualService"},
		"05-attached-cluster.yaml":                {"AttachedCluster"},
		"06-nginx-weighted.yaml":                  {"PropagationPolicy"},
		"07-reviews-canary.yaml":                  {"VirtualService", "PropagationPolicy"},
		"09-hierarchical-scheduling.yaml":         {"PropagationPolicy"},
		"10-scheduler-tuning.yaml":                {"KarmadaConfig"},
		"11-cost-optimization.yaml":               {"PropagationPolicy"},
		"13-intelligent-scheduler.yaml":           {"IntelligentScheduler"},
		"karmada-cluster.yaml":                    {"Cluster"},
		"karmada-cluster-propagation-policy.yaml": {"ClusterPropagationPolicy"},
		"karmada-cluster-override-policy.yaml":    {"ClusterOverridePolicy"},
		"karmada-resource-binding.yaml":           {"ResourceBinding"},
		"karmada-work.yaml":                       {"Work"},
		"propagation-failover-tiers.yaml":         {"PropagationPolicy", "OverridePolicy"},
		"routing-propagation.yaml":                {"DestinationRule", "ServiceEntry", "PropagationPolicy"},
		"kurator-fleet.yaml":                      {"Fleet"},
		"kurator-attached-cluster.yaml":           {"AttachedCluster"},
		"analysis-templates.yaml":                 {"AnalysisTemplate", "ClusterAnalysisTemplate"},
	}
	for name, kinds := range wants {
		if !slices.Equal(admitted[name], kinds) {
			t.Errorf("%s: checked %v, want %v", name, admitted[name], kinds)
		}
	}
}

// TestSeedFieldsSurvive checks the seed's fields that real Kurator's schema
// would prune.
func TestSeedFieldsSurvive(t *testing.T) {
	admitters := newAdmitters(t)

	fleet := toUnstructured(t, readDocuments(t, filepath.Join(seedDir, "01-fleet.yaml"))[0])
	if _, errs := admitters[fleetv1alpha1.Kind("Fleet")].Admit(fleet.Object); len(errs) > 0 {
		t.Fatal(errs.ToAggregate())
	}
	clusters, _, _ := unstructured.NestedSlice(fleet.Object, "spec", "clusters")
	if len(clusters) != 3 {
		t.Fatalf("got %d clusters, want 3", len(clusters))
	}
	if region, _, _ := unstructured.NestedString(clusters[0].(map[string]any), "labels", "region"); region != "asia-east" {
		t.Errorf("spec.clusters[0].labels.region = %q, want asia-east", region)
	}
	spread, _, _ := unstructured.NestedSlice(fleet.Object, "spec", "placement", "spreadConstraints")
	if len(spread) != 1 || spread[0].(map[string]any)["maxGroups"] != int64(2) || spread[0].(map[string]any)["minGroups"] != int64(1) {
		t.Errorf("spec.placement.spreadConstraints = %v, want maxGroups 2, minGroups 1", spread)
	}
	preferred, _, _ := unstructured.NestedSlice(fleet.Object, "spec", "placement", "clusterAffinity", "preferredDuringSchedulingIgnoredDuringExecution")
	if len(preferred) != 1 || preferred[0].(map[string]any)["weight"] != int64(60) {
		t.Errorf("preferredDuringSchedulingIgnoredDuringExecution = %v, want one term of weight 60", preferred)
	}

	ac := toUnstructured(t, readDocuments(t, filepath.Join(seedDir, "05-attached-cluster.yaml"))[0])
	if _, errs := admitters[clusterv1alpha1.Kind("AttachedCluster")].Admit(ac.Object); len(errs) > 0 {
		t.Fatal(errs.ToAggregate())
	}
	if name, _, _ := unstructured.NestedString(ac.Object, "spec", "kubeconfig", "secretRef", "name"); name != "cluster-01-kubeconfig" {
		t.Errorf("spec.kubeconfig.secretRef.name = %q, want cluster-01-kubeconfig", name)
	}
	if env, _, _ := unstructured.NestedString(ac.Object, "spec", "labels", "env"); env != "production" {
		t.Errorf("spec.labels.env = %q, want production", env)
	}

	// 09 uses the maxSkew extension and the tolerations alias.
	pp := admitSeed(t, admitters, "09-hierarchical-scheduling.yaml")
	spread, _, _ = unstructured.NestedSlice(pp.Object, "spec", "placement", "spreadConstraints")
	if len(spread) != 2 || spread[0].(map[string]any)["maxSkew"] != int64(2) || spread[1].(map[string]any)["maxSkew"] != int64(1) {
		t.Errorf("09: spec.placement.spreadConstraints = %v, want maxSkew 2 and 1", spread)
	}
	tolerations, _, _ := unstructured.NestedSlice(pp.Object, "spec", "placement", "tolerations")
	if len(tolerations) != 1 || tolerations[0].(map[string]any)["key"] != "dedicated" {
		t.Errorf("09: spec.placement.tolerations = %v, want the dedicated toleration", tolerations)
	}
	var typed policyv1alpha1.PropagationPolicy
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(pp.Object, &typed); err != nil {
		t.Fatal(err)
	}
	if got := typed.Spec.Placement.EffectiveClusterTolerations(); len(got) != 1 || got[0].Value != "special" {
		t.Errorf("09: EffectiveClusterTolerations() = %v, want the dedicated=special toleration", got)
	}

	// 06 and 11 omit replicaSchedulingType: the schema defaults it to Divided.
	for _, file := range []string{"06-nginx-weighted.yaml", "11-cost-optimization.yaml"} {
		pp := admitSeed(t, admitters, file)
		if got, _, _ := unstructured.NestedString(pp.Object, "spec", "placement", "replicaScheduling", "replicaSchedulingType"); got != "Divided" {
			t.Errorf("%s: replicaSchedulingType = %q, want the default Divided", file, got)
		}
	}
	pp = admitSeed(t, admitters, "02-inference-weighted-policy.yaml")
	weights, _, _ := unstructured.NestedSlice(pp.Object, "spec", "placement", "replicaScheduling", "weightPreference", "staticWeightList")
	if len(weights) != 2 || weights[0].(map[string]any)["weight"] != int64(70) || weights[1].(map[string]any)["weight"] != int64(30) {
		t.Errorf("02: staticWeightList = %v, want weights 70 and 30", weights)
	}

	op := admitSeed(t, admitters, "03-cross-cloud-override.yaml")
	rules, _, _ := unstructured.NestedSlice(op.Object, "spec", "overrideRules")
	if len(rules) != 2 {
		t.Fatalf("03: got %d override rules, want 2", len(rules))
	}
	overriders := rules[1].(map[string]any)["overriders"].(map[string]any)
	cmd := overriders["commandOverrider"].([]any)[0].(map[string]any)["value"].([]any)
	if len(cmd) != 2 || cmd[1] != "--compliance=gdpr" {
		t.Errorf("03: overrideRules[1].overriders.commandOverrider[0].value = %v, want two flags", cmd)
	}
}

// admitSeed admits the first document of a seed file whose kind has a CRD
// here, and returns it.
func admitSeed(t *testing.T, admitters map[schema.GroupKind]*crd.Admitter, file string) *unstructured.Unstructured {
	t.Helper()
	for _, doc := range readDocuments(t, filepath.Join(seedDir, file)) {
		obj := toUnstructured(t, doc)
		a, ok := admitters[obj.GroupVersionKind().GroupKind()]
		if !ok {
			continue
		}
		if _, errs := a.Admit(obj.Object); len(errs) > 0 {
			t.Fatalf("%s: %v", file, errs.ToAggregate())
		}
		return obj
	}
	t.Fatalf("%s has no document of our kinds", file)
	return nil
}
