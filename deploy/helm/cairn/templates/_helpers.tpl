{{/* The release's full name: <release>-cairn, at most 63 characters. */}}
{{- define "cairn.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "cairn.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "cairn.labels" -}}
{{ include "cairn.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "cairn.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{ default (include "cairn.fullname" .) .Values.serviceAccount.name }}
{{- else -}}
{{ default "default" .Values.serviceAccount.name }}
{{- end -}}
{{- end -}}

{{/* The Secret holding the root credentials, or nothing when the server generates them. */}}
{{- define "cairn.secretName" -}}
{{- if .Values.rootCredentials.existingSecret -}}
{{ .Values.rootCredentials.existingSecret }}
{{- else if .Values.rootCredentials.password -}}
{{ include "cairn.fullname" . }}-root
{{- end -}}
{{- end -}}
