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

package luavm

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"kurator.dev/kurator/internal/interpreter"
)

// parse reads a YAML object as the API server's JSON would give it.
func parse(t testing.TB, doc string) *unstructured.Unstructured {
	t.Helper()
	data, err := yaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(data); err != nil {
		t.Fatal(err)
	}
	return u
}

func compile(t testing.TB, op interpreter.Operation, source string) *Script {
	t.Helper()
	s, err := Compile(op, source)
	if err != nil {
		t.Fatalf("compiling the %s script: %v", op, err)
	}
	return s
}

// wantError fails unless err is an error whose message contains every
// fragment.
func wantError(t testing.TB, err error, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", fragments)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Fatalf("error %q does not contain %q", err, f)
		}
	}
}

// cloneSet is a workload CRD the way Karmada's examples see one.
const cloneSet = `
apiVersion: apps.kruise.io/v1alpha1
kind: CloneSet
metadata:
  name: web
  namespace: shop
  generation: 4
  labels: {app: web}
  annotations: {}
spec:
  replicas: 5
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
    spec:
      serviceAccountName: web
      nodeSelector: {disk: ssd}
      tolerations:
      - {key: dedicated, operator: Equal, value: web, effect: NoSchedule}
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
            - matchExpressions:
              - {key: zone, operator: In, values: [a, b]}
      initContainers:
      - name: migrate
        image: migrate
        resources: {requests: {cpu: "1", memory: 256Mi}}
      containers:
      - name: app
        image: web
        envFrom:
        - configMapRef: {name: web-config}
        env:
        - name: PASSWORD
          valueFrom: {secretKeyRef: {name: web-secret, key: password}}
        resources: {requests: {cpu: 250m, memory: 64Mi}}
      - name: sidecar
        image: proxy
        resources: {requests: {cpu: 250m, memory: 32Mi}}
      volumes:
      - name: data
        persistentVolumeClaim: {claimName: web-data}
      - name: scratch
        emptyDir: {}
      imagePullSecrets: []
status:
  replicas: 5
  readyReplicas: 4
  updatedReplicas: 5
  availableReplicas: 4
  observedGeneration: 4
  conditions: []
`
