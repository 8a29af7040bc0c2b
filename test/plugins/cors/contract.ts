/** A contract exercising what a CORS answer is worked out from. */
export const corsContract = {
  openapi: '3.1.0',
  info: { title: 'CORS', version: '1.0.0' },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer' },
      key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      signed: { type: 'http', scheme: 'Burrow-Signed' },
    },
  },
  paths: {
    '/pets': {
      get: {
        operationId: 'listPets',
        parameters: [{ name: 'X-Page-Size', in: 'header', schema: { type: 'integer' } }],
        responses: {
          '200': {
            description: 'pets',
            headers: { 'X-Total-Count': { schema: { type: 'integer' } }, 'Content-Type': { schema: { type: 'string' } } },
            content: { 'application/json': { schema: { type: 'array' } } },
          },
        },
      },
      post: {
        operationId: 'createPet',
        security: [{ bearer: [] }, { key: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: { '201': { description: 'created', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
    '/pets/{id}': {
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'integer' } },
        { name: 'X-Tenant', in: 'header', schema: { type: 'string' } },
      ],
      put: {
        operationId: 'replacePet',
        security: [{ signed: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
        responses: { '200': { description: 'replaced' } },
      },
    },
    '/own': {
      get: { operationId: 'getOwn', responses: { '200': { description: 'ok' } } },
      options: { operationId: 'ownOptions', responses: { '200': { description: 'the app answers its own OPTIONS' } } },
    },
  },
};

export const corsHandlers = {
  listPets: () => ({ status: 200, body: [], headers: { 'x-total-count': '0' } }),
  createPet: () => ({ status: 201, body: {} }),
  replacePet: () => ({ status: 200 }),
  getOwn: () => ({ status: 200 }),
  ownOptions: () => ({ status: 200, headers: { 'x-own': 'yes' } }),
};
