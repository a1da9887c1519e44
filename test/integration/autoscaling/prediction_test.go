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

package autoscaling_test

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"

	autoscalingv1alpha1 "kurator.dev/kurator/api/autoscaling/v1alpha1"
)

// TestPredictionFromPrometheusHistory backfills two days of a daily load
// (synthetic, written with promtool into the fleet's Prometheus) and checks
// that a FederatedHPA forecasts from it through Prometheus' range queries:
// Preview shows the forecast, Auto provisions for its peak.
func TestPredictionFromPrometheusHistory(t *testing.T) {
	g := NewWithT(t)
	ns := "fhpa-prediction"
	createNamespace(t, ns)
	backfillDailyLoad(t, ns)

	apply(t, ns, web(2)+"---"+webLoad(20, 20)+fmt.Sprintf(`---
apiVersion: autoscaling.karmada.io/v1alpha1
kind: FederatedHPA
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 20
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
  prediction:
    query: sum(kurator_test_load{namespace="%s"})
    historyLength: 48h
    predictionWindowSeconds: 86400
`, ns))
	var predicted int32
	g.Eventually(func(g Gomega) {
		fhpa := getFHPA(g, ns, "web")
		p := fhpa.Status.Prediction
		g.Expect(p).NotTo(BeNil())
		g.Expect(p.Message).To(BeEmpty())
		g.Expect(p.Method).To(ContainSubstring("daily"))
		g.Expect(p.PeakTime).NotTo(BeNil())
		// The last point of history (three hours ago) is near the daily
		// low, the day's peak six times higher.
		g.Expect(p.ReactiveReplicas).To(BeNumerically(">=", 1))
		g.Expect(p.PredictedReplicas).To(BeNumerically(">=", 3*p.ReactiveReplicas), "%+v", p)
		predicted = p.PredictedReplicas
		// Preview acts on nothing.
		g.Expect(fhpa.Status.DesiredReplicas).To(Equal(int32(2)))
	}).WithTimeout(3 * time.Minute).WithPolling(2 * time.Second).Should(Succeed())
	g.Expect(deploymentReplicas(g, ns, "web")).To(Equal(int32(2)))

	fhpa := getFHPA(g, ns, "web")
	patch := client.MergeFrom(fhpa.DeepCopy())
	fhpa.Spec.Prediction.Mode = autoscalingv1alpha1.PredictionAuto
	g.Expect(fleet.ControlPlane.Patch(t.Context(), fhpa, patch)).To(Succeed())
	g.Eventually(func(g Gomega) {
		g.Expect(deploymentReplicas(g, ns, "web")).To(BeNumerically(">=", min(predicted, 20)))
	}).WithTimeout(2 * time.Minute).WithPolling(2 * time.Second).Should(Succeed())
}

// backfillDailyLoad writes kurator_test_load{namespace=ns}, a load that
// swings daily between 10 and 390 with its peak six hours from now, every 5
// minutes for two days up to three hours ago (clear of Prometheus' head
// block), into blocks Prometheus loads when it restarts.
func backfillDailyLoad(t *testing.T, ns string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("# HELP kurator_test_load A synthetic daily load.\n# TYPE kurator_test_load gauge\n")
	now := time.Now()
	peak := now.Add(6 * time.Hour)
	end := now.Add(-3 * time.Hour).Truncate(5 * time.Minute)
	for at := end.Add(-48 * time.Hour); !at.After(end); at = at.Add(5 * time.Minute) {
		v := 200 + 190*math.Cos(at.Sub(peak).Hours()/24*2*math.Pi)
		fmt.Fprintf(&b, "kurator_test_load{namespace=%q} %.3f %d\n", ns, v, at.Unix())
	}
	b.WriteString("# EOF\n")
	file := filepath.Join(t.TempDir(), "load.om")
	if err := os.WriteFile(file, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := fleet.StopPrometheus(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("promtool", "tsdb", "create-blocks-from", "openmetrics", file, fleet.Layout().PrometheusDataDir()).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool: %v\n%s", err, out)
	}
	if err := fleet.StartPrometheus(t.Context()); err != nil {
		t.Fatal(err)
	}
}
