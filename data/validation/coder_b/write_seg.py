# Transcribes the labels I assigned by reading each plan (ranges typed by hand).
import csv
O,A,S,C='outside','action_start','safeguard_start','continuation'
def spec(pairs):
    d={}
    for rng,lab,note in pairs:
        a,b=rng if isinstance(rng,tuple) else (rng,rng)
        for i in range(a,b+1): d[i]=(lab,note)
    return d
plans={}
plans['chongqing']=spec([
 ((1,9),O,'preamble/notice'),(10,O,'section heading'),((11,16),A,''),
 (17,O,'section heading'),((18,21),A,''),(22,O,'section heading'),((23,29),A,''),
 (30,O,'section heading; 完善工作机制 not named 组织实施/保障, so items coded as actions'),((31,34),A,''),(35,O,'attachment'),
])
plans['inner_mongolia']=spec([
 ((1,9),O,'preamble'),((10,11),O,'总体要求 context'),(12,O,'section heading'),
 (13,A,''),(14,C,''),(15,A,'division of duties item; action per definition'),(16,C,''),
 (17,O,'section heading'),(18,A,''),(19,C,''),(20,A,''),(21,C,''),(22,A,''),(23,C,''),(24,A,''),(25,C,''),
 (26,O,'section heading'),(27,A,''),(28,C,''),(29,A,''),(30,C,''),
 (31,O,'section heading'),(32,A,''),(33,C,''),(34,A,''),(35,C,''),(36,A,''),(37,C,''),(38,A,''),(39,C,''),(40,A,''),(41,C,''),
 (42,O,'section heading'),(43,A,''),(44,C,''),(45,A,''),(46,C,''),(47,A,''),(48,C,''),
 (49,O,'safeguard section heading'),(50,S,''),(51,C,''),(52,S,''),(53,C,''),(54,S,''),(55,C,''),
])
plans['pingyin']=spec([
 ((1,13),O,'preamble'),((14,21),O,'总体要求 context'),(22,O,'section heading'),(23,O,'intro'),
 (24,O,'group heading'),((25,29),A,''),(30,O,'group heading'),((31,33),A,''),(34,O,'group heading'),((35,38),A,''),
 (39,O,'group heading'),((40,42),A,''),(43,O,'group heading'),((44,45),A,''),
 (46,O,'section heading'),(47,O,'intro'),(48,O,'item heading'),((49,51),A,''),(52,O,'item heading'),((53,55),A,''),
 (56,O,'item heading'),((57,59),A,''),(60,O,'item heading'),((61,63),A,''),
 (64,O,'safeguard section heading'),((65,67),S,''),
])
sz=[((1,13),O,'preamble'),((14,16),O,'背景和意义 context'),((17,24),O,'指导方针和目标 context'),(25,O,'section heading')]
blocks=[(26,27,30,34),(37,38,41,47),(50,51,54,56),(59,60,61,63),(66,67,71,75),(78,79,84,86),(89,90,93,97),(100,101,104,108),(111,112,115,120)]
for h,t,m1,m2 in blocks:
    sz.append((h,O,'task-block heading'))
    sz.append(((t,m1-1),O,'任务 text'))
    sz.append(((m1,m2),A,'措施 paragraph'))
    sz.append(((m2+1,m2+2),O,'分工 text'))
sz+=[(123,O,'safeguard section heading'),(124,S,''),((125,128),C,''),(129,S,''),((130,133),C,''),(134,S,''),((135,136),C,''),(137,S,'进度安排 under safeguard section'),((138,140),C,'')]
plans['shenzhen']=spec(sz)
plans['zhifu']=spec([
 ((1,15),O,'preamble'),((16,20),O,'前言 context'),((21,27),O,'总体要求 context'),(28,O,'section heading'),(29,O,'intro'),
 (30,O,'item heading/intro; heading-sentence paragraphs below are actions'),((31,35),A,''),
 (36,O,'item heading/intro'),((37,39),A,''),(40,O,'item heading/intro'),((41,44),A,''),
 (45,O,'item heading/intro'),((46,48),A,''),(49,O,'item heading/intro'),((50,52),A,''),
 (53,O,'section heading'),(54,O,'intro'),(55,O,'item heading'),((56,58),A,''),(59,O,'item heading'),((60,62),A,''),
 (63,O,'item heading'),((64,66),A,''),(67,O,'item heading'),((68,70),A,''),
 (71,O,'safeguard section heading'),((72,74),S,''),(75,O,'web furniture'),
])
import sys
rows=[]
for j,d in plans.items():
    with open(f'../packets/{j}_lines.tsv',encoding='utf-8') as f:
        lines=[int(r['line']) for r in csv.DictReader(f,delimiter='\t')]
    assert sorted(d)==lines, (j, set(lines)^set(d))
    for l in lines: rows.append((j,l)+d[l])
with open('segmentation.csv','w',encoding='utf-8',newline='') as f:
    w=csv.writer(f); w.writerow(['jurisdiction','line','label','note']); w.writerows(rows)
from collections import Counter
print(Counter(r[2] for r in rows)); print(Counter((r[0],r[2]) for r in rows))
