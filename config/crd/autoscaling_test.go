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
	"strings"
	"testing"
)

// TestFederatedHPARules checks the autoscaling kinds' schemas, defaults and
// CEL rules offline, as the API server evaluates them: Karmada's manifests
// are admitted with Karmada's defaults, and contradictions are refused.
func TestFederatedHPARules(t *testing.T) {
	admitters := newAdmitters(t)
	admit := func(t *testing.T, doc string) (map[string]any, string) {
		t.Helper()
		obj := toUnstructured(t, []byte(doc))
		// Admit defaults the object in place.
		if _, errs := admitters[obj.GroupVersionKind().GroupKind()].Admit(obj.Object); len(errs) > 0 {
			return nil, errs.ToAggregate().Error()
		}
		return obj.Object, ""
	}
	const fhpa = `
apiVersion: autoscaling.karmada.io/v1alpha1
kind: FederatedHPA
metadata: {name: web, namespace: default}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
`
	out, err := admit(t, fhpa+"  maxReplicas: 10\n  metrics: [{type: External, external: {metric: {name: queue_length}, target: {type: Value, value: \"30\"}}}]\n")
	if err != "" {
		t.Fatalf("a FederatedHPA with an External metric was refused: %s", err)
	}
	if got := out["spec"].(map[string]any)["minReplicas"]; got != int64(1) {
		t.Fatalf("minReplicas defaulted to %v, want 1", got)
	}
	const cron = `
apiVersion: autoscaling.karmada.io/v1alpha1
kind: CronFederatedHPA
metadata: {name: web, namespace: default}
spec:
`
	out, err = admit(t, cron+"  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  rules: [{name: morning, schedule: \"0 8 * * *\", targetReplicas: 6, timeZone: Asia/Shanghai}]\n")
	if err != "" {
		t.Fatalf("a CronFederatedHPA was refused: %s", err)
	}
	rule := out["spec"].(map[string]any)["rules"].([]any)[0].(map[string]any)
	if rule["suspend"] != false || rule["successfulHistoryLimit"] != int64(3) || rule["failedHistoryLimit"] != int64(3) {
		t.Fatalf("rule defaults %v, want suspend false and both history limits 3", rule)
	}
	if _, err := admit(t, cron+"  scaleTargetRef: {apiVersion: autoscaling.karmada.io/v1alpha1, kind: FederatedHPA, name: web}\n  rules: [{name: night, schedule: \"0 22 * * *\", targetMaxReplicas: 4}]\n"); err != "" {
		t.Fatalf("a rule changing a FederatedHPA's maximum was refused: %s", err)
	}

	cases := []struct{ name, yaml, want string }{
		{"min above max", fhpa + "  minReplicas: 5\n  maxReplicas: 3\n", "minReplicas must not exceed maxReplicas"},
		{"no max", fhpa, "maxReplicas: Required value"},
		{"zero min", fhpa + "  minReplicas: 0\n  maxReplicas: 3\n", "should be greater than or equal to 1"},
		{"duplicate rules", cron + "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  rules: [{name: a, schedule: \"@daily\", targetReplicas: 1}, {name: a, schedule: \"@hourly\", targetReplicas: 2}]\n", "rule names must be unique"},
		{"bounds for a workload", cron + "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  rules: [{name: a, schedule: \"@daily\", targetMaxReplicas: 3}]\n", "a rule for a workload sets targetReplicas only"},
		{"replicas for a FederatedHPA", cron + "  scaleTargetRef: {apiVersion: autoscaling.karmada.io/v1alpha1, kind: FederatedHPA, name: web}\n  rules: [{name: a, schedule: \"@daily\", targetReplicas: 3}]\n", "a rule for a FederatedHPA sets targetMinReplicas"},
		{"min above max in a rule", cron + "  scaleTargetRef: {apiVersion: autoscaling.karmada.io/v1alpha1, kind: FederatedHPA, name: web}\n  rules: [{name: a, schedule: \"@daily\", targetMinReplicas: 5, targetMaxReplicas: 2}]\n", "targetMinReplicas must not exceed targetMaxReplicas"},
		{"long rule name", cron + "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  rules: [{name: a-rule-name-that-is-far-too-long-for-history, schedule: \"@daily\", targetReplicas: 1}]\n", "Too long"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := admit(t, tc.yaml); !strings.Contains(err, tc.want) {
				t.Fatalf("error %q, want one containing %q", err, tc.want)
			}
		})
	}
}
