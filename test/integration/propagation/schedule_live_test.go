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
package propagation_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	appsv1 "k8s.io/api/apps/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
	"kurator.dev/kurator/internal/cli"
)

// liveSchedule runs 'kurator schedule --context kurator -f FILE -o json'
// against the test fleet with docs as the file.
func liveSchedule(t *testing.T, g Gomega, docs string) (code int, stdout, stderr *bytes.Buffer) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "what-if.yaml")
	g.Expect(os.WriteFile(file, []byte(docs), 0o600)).To(Succeed())
	stdout, stderr = &bytes.Buffer{}, &bytes.Buffer{}
	code = cli.ExecuteContext(t.Context(), "kurator",
		[]string{"schedule", "--kubeconfig", fleet.Layout().Kubeconfig(), "--context", "kurator", "-f", file, "-o", "json"},
		genericiooptions.IOStreams{In: strings.NewReader(""), Out: stdout, ErrOut: stderr})
	return code, stdout, stderr
}

// 'kurator schedule --context kurator -f' with seed example 06 (a
// Deployment and its policy, no Clusters) schedules it on the running
// fleet: 6 replicas in hangzhou and 4 in shanghai, from each member's
// nodes, and writes nothing.
func TestScheduleLiveSeed06(t *testing.T) {
	g := NewWithT(t)
	ns := namespace(t, g, "live")
	data, err := os.ReadFile("../../../examples/seed/06-nginx-weighted.yaml")
	g.Expect(err).NotTo(HaveOccurred())
	// The seed's objects have no namespace: put them in the test's.
	docs := strings.ReplaceAll(string(data), "\nmetadata:\n", "\nmetadata:\n  namespace: "+ns+"\n")

	code, out, errOut := liveSchedule(t, g, docs)
	g.Expect(code).To(Equal(0), "stderr: %s", errOut.String())
	g.Expect(errOut.String()).To(BeEmpty())
	// The output is a stream of JSON objects: the ResourceBinding, then one
	// Work per cluster.
	dec := json.NewDecoder(out)
	rb := &workv1alpha2.ResourceBinding{}
	g.Expect(dec.Decode(rb)).To(Succeed())
	g.Expect(rb.Namespace).To(Equal(ns))
	g.Expect(decision(rb)).To(Equal(map[string]int32{"cluster-hangzhou": 6, "cluster-shanghai": 4}))
	g.Expect(apimeta.IsStatusConditionTrue(rb.Status.Conditions, workv1alpha2.ConditionScheduled)).To(BeTrue())
	g.Expect(rb.Status.SchedulingExplanation.Strategy).To(Equal("Divided by static weights"))
	var works []workv1alpha1.Work
	for {
		w := workv1alpha1.Work{}
		err := dec.Decode(&w)
		if errors.Is(err, io.EOF) {
			break
		}
		g.Expect(err).NotTo(HaveOccurred())
		works = append(works, w)
	}
	replicas := map[string]int32{}
	for _, w := range works {
		var d appsv1.Deployment
		g.Expect(json.Unmarshal(w.Spec.Workload.Manifests[0].Raw, &d)).To(Succeed())
		replicas[w.Namespace] = *d.Spec.Replicas
	}
	g.Expect(replicas).To(Equal(map[string]int32{"karmada-es-cluster-hangzhou": 6, "karmada-es-cluster-shanghai": 4}))

	// Capacity is per node, from the members: a pod asking 4.5 CPUs fits on
	// none of their 4-CPU nodes, though each cluster has 12 CPUs in all.
	big := strings.Replace(docs, "        image: nginx:1.25\n", "        image: nginx:1.25\n        resources: {requests: {cpu: 4500m}}\n", 1)
	g.Expect(big).To(ContainSubstring("4500m"))
	_, out, errOut = liveSchedule(t, g, big)
	rb = &workv1alpha2.ResourceBinding{}
	g.Expect(json.NewDecoder(out).Decode(rb)).To(Succeed(), "stderr: %s", errOut.String())
	g.Expect(rb.Status.SchedulingExplanation.Division).To(And(
		ContainSubstring("cluster-hangzhou (room for 0 of 6)"), ContainSubstring("cluster-shanghai (room for 0 of 4)")))

	// Nothing was written: no template, policy or binding.
	var deployments appsv1.DeploymentList
	g.Expect(fleet.ControlPlane.List(t.Context(), &deployments, client.InNamespace(ns))).To(Succeed())
	g.Expect(deployments.Items).To(BeEmpty())
	var policies policyv1alpha1.PropagationPolicyList
	g.Expect(fleet.ControlPlane.List(t.Context(), &policies, client.InNamespace(ns))).To(Succeed())
	g.Expect(policies.Items).To(BeEmpty())
	var bindings workv1alpha2.ResourceBindingList
	g.Expect(fleet.ControlPlane.List(t.Context(), &bindings, client.InNamespace(ns))).To(Succeed())
	g.Expect(bindings.Items).To(BeEmpty())
}
