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
	"encoding/json"
	"errors"
	"fmt"
	"math"

	lua "github.com/yuin/gopher-lua"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"kurator.dev/kurator/internal/interpreter"
	"kurator.dev/kurator/internal/scheduler/estimator"
)

// What the operations make of their scripts' results.

// replicaCount reads GetReplicas' first result.
func replicaCount(v lua.LValue) (int64, error) {
	n, ok := v.(lua.LNumber)
	if !ok {
		return 0, fmt.Errorf("the script returned replicas of type %s, not a number", v.Type())
	}
	f := float64(n)
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0) || f != math.Trunc(f):
		return 0, fmt.Errorf("the script returned %v replicas, not a whole number of them", f)
	case f < 0:
		return 0, fmt.Errorf("the script returned negative replicas (%v)", f)
	case f > math.MaxInt32:
		return 0, fmt.Errorf("the script returned %v replicas, more than a workload can have", f)
	}
	return int64(f), nil
}

// replicaRequirements is the shape of Karmada's ReplicaRequirements that
// Kurator's estimator reads.
type replicaRequirements struct {
	NodeClaim       *nodeClaim          `json:"nodeClaim,omitempty"`
	ResourceRequest corev1.ResourceList `json:"resourceRequest,omitempty"`
}

type nodeClaim struct {
	HardNodeAffinity *corev1.NodeSelector `json:"hardNodeAffinity,omitempty"`
	NodeSelector     map[string]string    `json:"nodeSelector,omitempty"`
	Tolerations      []corev1.Toleration  `json:"tolerations,omitempty"`
}

// requirements reads GetReplicas' second result.
func requirements(c *converter, v lua.LValue) (estimator.Requirements, error) {
	if v == lua.LNil {
		return estimator.Requirements{}, nil
	}
	obj, err := c.object(v)
	if err != nil {
		return estimator.Requirements{}, fmt.Errorf("requirements: %w", err)
	}
	var req replicaRequirements
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj, &req); err != nil {
		return estimator.Requirements{}, fmt.Errorf("requirements: %w", err)
	}
	out := estimator.Requirements{Requests: req.ResourceRequest}
	if claim := req.NodeClaim; claim != nil {
		out.NodeSelector = claim.NodeSelector
		out.Tolerations = claim.Tolerations
		if claim.HardNodeAffinity != nil {
			out.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: claim.HardNodeAffinity,
			}}
		}
	}
	return out, nil
}

func dependency(entry any, namespace string) (interpreter.Dependency, error) {
	fields, ok := entry.(map[string]any)
	if !ok {
		return interpreter.Dependency{}, fmt.Errorf("a %T, not an object", entry)
	}
	if _, ok := fields["labelSelector"]; ok {
		return interpreter.Dependency{}, errors.New("selects its objects by labelSelector: label-selected dependencies are not supported yet")
	}
	field := func(name string, required bool) (string, error) {
		v, ok := fields[name]
		s, isString := v.(string)
		switch {
		case ok && !isString:
			return "", fmt.Errorf("%s is a %T, not a string", name, v)
		case required && s == "":
			return "", fmt.Errorf("%s is missing", name)
		}
		return s, nil
	}
	d := interpreter.Dependency{Namespace: namespace}
	var err error
	if d.APIVersion, err = field("apiVersion", true); err != nil {
		return d, err
	}
	if d.Kind, err = field("kind", true); err != nil {
		return d, err
	}
	if d.Name, err = field("name", true); err != nil {
		return d, err
	}
	ns, err := field("namespace", false)
	if ns != "" {
		d.Namespace = ns
	}
	return d, err
}

// objectResult stores a script's object result.
func objectResult(out **unstructured.Unstructured) func(c *converter, results []lua.LValue) error {
	return func(c *converter, results []lua.LValue) error {
		obj, err := c.object(results[0])
		if err != nil {
			return err
		}
		*out = &unstructured.Unstructured{Object: obj}
		return nil
	}
}

func decodeStatus(raw *runtime.RawExtension) (any, error) {
	if raw == nil {
		return nil, nil
	}
	data := raw.Raw
	if data == nil && raw.Object != nil {
		var err error
		if data, err = json.Marshal(raw.Object); err != nil {
			return nil, err
		}
	}
	if len(data) == 0 {
		return nil, nil
	}
	var status any
	if err := json.Unmarshal(data, &status); err != nil {
		return nil, err
	}
	return status, nil
}
