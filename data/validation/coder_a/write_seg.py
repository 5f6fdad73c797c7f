# Expands my hand-entered ranges (seg_spec.txt) into segmentation.csv and checks coverage.
import csv
rows={}
for ln in open('seg_spec.txt',encoding='utf-8'):
    ln=ln.rstrip('\n')
    if not ln or ln.startswith('#'): continue
    p=ln.split(' ',4)
    plan,s,e,lab=p[0],int(p[1]),int(p[2]),p[3]; note=p[4] if len(p)>4 else ''
    for i in range(s,e+1):
        assert (plan,i) not in rows,(plan,i)
        rows[(plan,i)]=(lab,note if i==s else (note if lab!='action_start' or True else ''))
out=csv.writer(open('segmentation.csv','w',encoding='utf-8',newline=''))
out.writerow(['jurisdiction','line','label','note'])
for plan in ['chongqing','inner_mongolia','pingyin','shenzhen','zhifu']:
    lines=[int(r['line']) for r in csv.DictReader(open(f'../packets/{plan}_lines.tsv',encoding='utf-8'),delimiter='\t')]
    spec_lines=sorted(i for (p,i) in rows if p==plan)
    assert spec_lines==lines,(plan,set(lines)^set(spec_lines))
    for i in lines:
        lab,note=rows[(plan,i)]
        out.writerow([plan,i,lab,note])
print('ok')
