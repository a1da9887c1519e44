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
	"kurator.dev/kurator/internal/localfleet"
	kubectlrun "kurator.dev/kurator/test/framework/kubectl"
)

// kubectl runs kubectl itself (the code of the kubectl binary) against the
// control plane and returns what it printed; err is set when it would have
// exited non-zero.
func kubectl(args ...string) (stdout, stderr string, err error) {
	return kubectlrun.Run(fleet.Layout().ClusterKubeconfig(localfleet.ControlPlaneName), args...)
}
