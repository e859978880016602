// Types for ajv-formats-draft2019, which ships none: the one function the SBOM test calls.
declare module "ajv-formats-draft2019" {
  import type Ajv from "ajv";
  export default function addFormats(ajv: Ajv): Ajv;
}
