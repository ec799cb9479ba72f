import { it } from 'vitest';
import { restClient, startTestRuntime } from '/work/main/test/support/runtime.ts';
import { bpmnXml } from '/work/main/test/e2e/inline-bpmn.ts';
it('probe', async () => {
  const rt = await startTestRuntime();
  const api = restClient(rt.url);
  const xml = bpmnXml('messageProcess', `<startEvent id="start"/>
   <sequenceFlow id="f1" sourceRef="start" targetRef="waitForPayment"/>
   <intermediateCatchEvent id="waitForPayment"><messageEventDefinition messageRef="paid"/></intermediateCatchEvent>
   <sequenceFlow id="f2" sourceRef="waitForPayment" targetRef="waitForShipment"/>
   <receiveTask id="waitForShipment" messageRef="shipped"/>
   <sequenceFlow id="f3" sourceRef="waitForShipment" targetRef="confirm"/>
   <userTask id="confirm"/>`, '<message id="paid" name="paymentReceived"/><message id="shipped" name="goodsShipped"/>');
  console.log((await api.deploy({ 'm.bpmn': xml })).status);
  const s = await api.post('/process-definition/key/messageProcess/start', { businessKey: 'b1' });
  const id = s.body.id;
  console.log(await api.post('/message', { messageName: 'paymentReceived', processInstanceId: id }));
  console.log(JSON.stringify((await api.get(`/process-instance/${id}/activity-instances`)).body));
  console.log(JSON.stringify(await (rt as any).services.engine.deps.items.ofInstance(id)));
  console.log(await api.post('/message', { messageName: 'goodsShipped', businessKey: 'b1' }));
  await rt.stop();
});
